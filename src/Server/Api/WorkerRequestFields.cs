using System.Text.Json;
using System.Text.Json.Nodes;
using OrleansJobs.Jobs;
using OrleansJobs.Workers;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Reads the fields of a worker's request body (<see cref="WorkerEndpoints"/>), collecting an error per bad field, so
/// that a refusal names every field at fault at once (a validation problem, 400). Unknown fields are refused.
/// </summary>
internal sealed class WorkerRequestFields
{
    private readonly JsonObject _body;
    private readonly Dictionary<string, string[]> _errors = [];

    public WorkerRequestFields(JsonObject body, IReadOnlyList<string> known)
    {
        _body = body;
        foreach (var (name, _) in body)
            if (!known.Contains(name)) Error(name, $"Unknown field. The fields are: {string.Join(", ", known)}.");
    }

    /// <summary>The body as a JSON object (an empty body is an empty object), or the refusal: too large, not JSON, not an object.</summary>
    public static async Task<(JsonObject? Body, IResult? Refusal)> ReadAsync(HttpRequest request, int limit)
    {
        var bytes = await JobEndpoints.ReadBodyAsync(request, limit);
        if (bytes is null) return (null, ApiProblems.BodyTooLarge(limit));
        if (bytes.Length == 0) return (new JsonObject(), null);
        try
        {
            // A field given twice, or a string that is not text, is refused as the parse's error: a JsonObject would throw
            // when it is first read (a 500).
            using var document = RequestJson.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
            return document.RootElement.ValueKind == JsonValueKind.Object ? (JsonObject.Create(document.RootElement.Clone())!, null) : (null, ApiProblems.BadRequest("The body is not a JSON object.", "Send a JSON object."));
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.BadRequest("The body is not valid JSON.", ex.Message));
        }
    }

    /// <summary>The validation problem naming every bad field; null when all are good.</summary>
    public IResult? Refusal() => _errors.Count == 0 ? null : TypedResults.ValidationProblem(_errors, title: "The worker request is invalid.");

    public string? Name(string field, bool required = false) => Text(field, WorkerEndpoints.MaxNameLength, required, allowEmpty: false);

    public string? Text(string field, int maxLength, bool required = false, bool allowEmpty = true)
    {
        switch (_body[field])
        {
            case null when required:
                return Error(field, "Required.");
            case null:
                return null;
            case JsonValue value when value.TryGetValue<string>(out var text) && text.Length <= maxLength && (allowEmpty || text.Length > 0):
                return text;
            default:
                return Error(field, $"A string of {(allowEmpty ? 0 : 1)} to {maxLength} characters.");
        }
    }

    public int? Int(string field, int min, int max) =>
        _body[field] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<int>(out var number) && number >= min && number <= max => number,
            _ => ErrorOf<int?>(field, $"A whole number from {min} to {max}."),
        };

    public double? Percent(string field) =>
        _body[field] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<double>(out var number) && number is >= 0 and <= 100 => number,
            _ => ErrorOf<double?>(field, "A number from 0 to 100."),
        };

    public bool? Bool(string field) =>
        _body[field] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
            _ => ErrorOf<bool?>(field, "true or false."),
        };

    public TimeSpan? Duration(string field, TimeSpan min, TimeSpan max) =>
        _body[field] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var text) && DurationParser.TryParse(text, out var duration) && duration >= min && duration <= max => duration,
            _ => ErrorOf<TimeSpan?>(field, $"A duration from {min} to {max} (ISO-8601 like PT30S, or hh:mm:ss, or seconds like 30s)."),
        };

    /// <summary>The job types a worker asks for: 1 to <see cref="WorkerEndpoints.MaxTypesPerLease"/>, each one run by external workers.</summary>
    public IReadOnlyList<string> Types(ExternalJobTypes external)
    {
        const string field = "types";
        if (_body[field] is not JsonArray { Count: > 0 and <= WorkerEndpoints.MaxTypesPerLease } array)
            return ErrorOf<IReadOnlyList<string>>(field, $"A list of 1 to {WorkerEndpoints.MaxTypesPerLease} job types.");
        var types = new List<string>();
        foreach (var item in array)
        {
            if (item is JsonValue value && value.TryGetValue<string>(out var type) && external.Contains(type))
            {
                if (!types.Contains(type)) types.Add(type);
                continue;
            }
            var known = external.Types.Count == 0 ? "none is configured (OrleansJobs:Workers:Types) or declared (PUT /api/job-types/{type})" : string.Join(", ", external.Types);
            return ErrorOf<IReadOnlyList<string>>(field, $"'{item?.ToJsonString()}' is not a job type run by external workers; those are: {known}.");
        }
        return types;
    }

    private string? Error(string field, string message) => ErrorOf<string?>(field, message);

    private T ErrorOf<T>(string field, string message)
    {
        _errors[field] = [message];
        return default!;
    }
}
