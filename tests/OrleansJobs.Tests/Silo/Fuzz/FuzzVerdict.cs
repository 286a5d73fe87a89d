using System.Net;
using System.Text.Json;

namespace OrleansJobs.Tests.Silo.Fuzz;

/// <summary>
/// The property every answer to a bad request must have: no 5xx, and every 4xx an RFC 7807 problem document
/// (<c>application/problem+json</c> whose <c>type</c>, <c>title</c> and <c>status</c> are there, the status the response's).
/// </summary>
public static class FuzzVerdict
{
    /// <summary>Null when <paramref name="response"/> is acceptable, else what is wrong with it (its body included).</summary>
    public static async Task<string?> CheckAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status < 400) return null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var (text, ended) = await ReadSomeAsync(response, cancellationToken);
        if (!ended)
            return $"answered {status} and its body did not end within {BodyCap.TotalSeconds:0} s; headers: {response.Headers} {response.Content.Headers}; body so far: {text}";
        if (status >= 500) return $"answered {status} {response.StatusCode}: {mediaType} {text}";
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

    /// <summary>How long an error's body may take to arrive in full: it is a few hundred bytes written at once.</summary>
    private static readonly TimeSpan BodyCap = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The body, up to 64 KB (an answer to a bad request has no business being longer; a stream is cut off there), and
    /// whether it ended within <see cref="BodyCap"/>: a body that stops short is a finding of its own, with what it held.
    /// </summary>
    private static async Task<(string Text, bool Ended)> ReadSomeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var cap = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cap.CancelAfter(BodyCap);
        var buffer = new byte[64 * 1024];
        var length = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cap.Token);
            int read;
            while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cap.Token)) > 0) length += read;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (System.Text.Encoding.UTF8.GetString(buffer, 0, length), false);
        }

        return (System.Text.Encoding.UTF8.GetString(buffer, 0, length), true);
    }

    /// <summary>Whether <paramref name="status"/> says the request got past the key and scope checks.</summary>
    public static bool PassedAuth(HttpStatusCode status) => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
}
