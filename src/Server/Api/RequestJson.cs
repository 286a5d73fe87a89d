using System.Text.Json;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Parses request bodies as JSON whose strings and property names all read as text. System.Text.Json takes a lone
/// surrogate escape (<c>"\ud800"</c>) or invalid UTF-8 inside a string at the parse and only throws when the string is
/// read, an <see cref="InvalidOperationException"/> far from the parse (a 500). Here it is a <see cref="JsonException"/>
/// at the parse, which every caller already answers as malformed JSON (400).
/// </summary>
internal static class RequestJson
{
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8Json, JsonDocumentOptions options = default) => Readable(JsonDocument.Parse(utf8Json, options));

    private static JsonDocument Readable(JsonDocument document)
    {
        try
        {
            EnsureReadable(document.RootElement);
            return document;
        }
        catch (InvalidOperationException e)
        {
            document.Dispose();
            throw new JsonException("The body has a string that is not text: invalid UTF-8 or a lone surrogate (\\ud800 to \\udfff without its pair).", e);
        }
    }

    // Depth is bounded by the parse's maximum (64).
    private static void EnsureReadable(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                value.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray()) EnsureReadable(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    _ = property.Name;
                    EnsureReadable(property.Value);
                }
                break;
        }
    }
}
