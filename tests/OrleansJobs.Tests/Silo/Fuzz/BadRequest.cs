using System.Text;

namespace OrleansJobs.Tests.Silo.Fuzz;

/// <summary>
/// One generated request: which endpoint it aims at, the path and query it was given, its body and content type (either
/// may be missing), and its headers, the key it presents (or none, or a wrong one) among them.
/// </summary>
public sealed record BadRequest(FuzzRoute Route, string PathAndQuery, byte[]? Body, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The request to send; relative, for a client whose base address is the silo.</summary>
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Route.Method), new Uri(PathAndQuery.TrimStart('/'), UriKind.Relative));
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            message.Content.Headers.ContentType = null;
            if (ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
        }
        foreach (var (name, value) in Headers) message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }

    /// <summary>What a failure prints, so that a reader sees the request without replaying it (long bodies shortened).</summary>
    public override string ToString()
    {
        var body = Body is null ? "(no body)" : Body.Length > 300 ? $"{Encoding.UTF8.GetString(Body, 0, 300)}… ({Body.Length} bytes)" : Encoding.UTF8.GetString(Body);
        return $"{Route.Method} {PathAndQuery} [{ContentType ?? "no content type"}] {string.Join("; ", Headers.Select(h => $"{h.Key}: {h.Value}"))}\n{body}";
    }
}
