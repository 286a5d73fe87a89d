using System.Text.Json;
using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Api;

/// <summary>Reads typed field values, recording an error (and returning null) when one does not fit.</summary>
internal sealed class FieldReader
{
    public Dictionary<string, string[]> Errors { get; } = [];

    public void Error(string field, string message) =>
        Errors[field] = Errors.TryGetValue(field, out var messages) ? [.. messages, message] : [message];

    public string? String(string field, JsonElement value, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(field, $"Expected a string, not {Describe(value)}.");
            return null;
        }
        var text = value.GetString()!;
        if (text.Length is > 0 && text.Length <= maxLength)
            return text;
        Error(field, $"Must be 1 to {maxLength} characters long.");
        return null;
    }

    public int? Int(string field, JsonElement value, int min, int max)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
            Error(field, $"Expected an integer, not {(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : Describe(value))}.");
        else if (number < min || number > max)
            Error(field, $"Must be between {min} and {max}.");
        else
            return number;
        return null;
    }

    /// <summary>A duration up to <paramref name="max"/>, the value of the setting <paramref name="setting"/>.</summary>
    public TimeSpan? Duration(string field, JsonElement value, TimeSpan max, string setting)
    {
        if (value.ValueKind != JsonValueKind.String || !DurationParser.TryParse(value.GetString(), out var duration))
            Error(field, "Expected a duration such as \"00:00:30\" or \"PT30S\".");
        else if (duration > max)
            Error(field, $"Must be at most {max:c} ({setting}).");
        else
            return duration;
        return null;
    }

    public DateTimeOffset? Timestamp(string field, JsonElement value)
    {
        // Without an offset a time would be read in the server's zone, which the client cannot know.
        if (value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var timestamp) && HasOffset(value.GetString()!))
            return timestamp;
        Error(field, "Expected an ISO-8601 time with an offset, such as \"2026-12-01T09:00:00Z\" or \"2026-12-01T10:00:00+01:00\".");
        return null;
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':';

/// <summary>The kind of a JSON value, for error messages: "a string", "an object", …</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
