using System.Net;
using System.Text.Json;

namespace OrleansJobs.Tests.Silo.Fuzz;

/// <summary>
/// The property every answer to a bad request must have: no 5xx, and every 4xx an RFC 7807 problem document
/// (<c>application/problem+json</c> whose <c>type</c>, <c>title</c> and <c>status</c> are there, the status the response's).
/// </summary>
public static class FuzzVerdict
{
    /// <summary>
    /// Null when <paramref name="response"/> is acceptable, else what is wrong with it (its body included). Without
    /// <paramref name="problemRequired"/> only a 5xx is wrong.
    /// </summary>
    public static async Task<string?> CheckAsync(HttpResponseMessage response, bool problemRequired, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status < 400) return null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var text = await ReadSomeAsync(response, cancellationToken);
        if (status >= 500) return $"answered {status} {response.StatusCode}: {mediaType} {text}";
        if (!problemRequired) return null;
        if (mediaType != "application/problem+json") return $"answered {status} with {mediaType ?? "no content type"}, not a problem document: {text}";
        try
        {
            using var problem = JsonDocument.Parse(text);
            var root = problem.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return $"answered {status} with a problem document that is not an object: {text}";
            if (!root.TryGetProperty("status", out var given) || given.ValueKind != JsonValueKind.Number || given.GetInt32() != status)
                return $"answered {status} with a problem document whose status is not {status}: {text}";
            if (!root.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(title.GetString()))
                return $"answered {status} with a problem document without a title: {text}";
            if (!root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(type.GetString()))
                return $"answered {status} with a problem document without a type: {text}";
            return null;
        }
        catch (JsonException e)
        {
            return $"answered {status} with a problem document that does not parse ({e.Message}): {text}";
        }
    }

    /// <summary>The body, up to 64 KB (an answer to a bad request has no business being longer; a stream is cut off there).</summary>
    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[64 * 1024];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0) length += read;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>Whether <paramref name="status"/> says the request got past the key and scope checks.</summary>
    public static bool PassedAuth(HttpStatusCode status) => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
}
