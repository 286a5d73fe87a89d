using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace OrleansJobs.Handlers.BuiltIn;

/// <summary>The payload of an <c>http</c> job: the call to make. Only <see cref="Url"/> is required.</summary>
public sealed record HttpPayload : IValidatableObject
{
    /// <summary>The longest timeout a call may have.</summary>
    public const string MaxTimeout = "1.00:00:00";

    /// <summary>An absolute http or https URL on a host of <c>OrleansJobs:Http:AllowedHosts</c> (checked when the call is made).</summary>
    public required string Url { get; init; }

    /// <summary>The HTTP method; GET when absent, POST when absent and there is a <see cref="Body"/>.</summary>
    public string? Method { get; init; }

    /// <summary>Request headers; content headers such as <c>Content-Type</c> need a <see cref="Body"/>.</summary>
    public Dictionary<string, string>? Headers { get; init; }

    /// <summary>The request body: a JSON string is sent as text, anything else as <c>application/json</c>.</summary>
    public JsonElement? Body { get; init; }

    /// <summary>How long the call may take (<c>"00:00:30"</c>, <c>"PT30S"</c>, <c>"30s"</c>); 30 seconds when absent.</summary>
    [Duration(Maximum = MaxTimeout, AllowZero = false)]
    public string? Timeout { get; init; }

    /// <summary>The URL, the method and the headers, which no attribute can check.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            yield return new ValidationResult($"Expected an absolute http or https URL, not '{Url}'.", [nameof(Url)]);
        if (Method is not null && !IsMethod(Method))
            yield return new ValidationResult($"'{Method}' is not an HTTP method.", [nameof(Method)]);
        foreach (var problem in HeaderProblems())
            yield return new ValidationResult(problem, [nameof(Headers)]);
    }

    private static bool IsMethod(string method)
    {
        try
        {
            HttpMethod.Parse(method);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>
    /// Headers the call sets itself: <c>Host</c> (it follows the URL, whose host the allow-list checked) and the
    /// hop-by-hop headers of RFC 9110 §7.6.1 with the body's framing, which would let a caller smuggle a second request
    /// or change the connection.
    /// </summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Content-Length",
    };

    /// <summary>Tries each header where the call will put it: on the request, or else on its content.</summary>
    private IEnumerable<string> HeaderProblems()
    {
        using var request = new HttpRequestMessage();
        using var content = new ByteArrayContent([]);
        foreach (var (name, value) in Headers ?? [])
        {
            if (Reserved.Contains(name))
            {
                yield return $"Header '{name}' cannot be set: the call sets Host, the body's length and the hop-by-hop headers itself.";
                continue;
            }
            if (request.Headers.TryAddWithoutValidation(name, value))
                continue;
            if (Body is null)
                yield return $"Header '{name}' describes a body, but the payload has none.";
            else if (!content.Headers.TryAddWithoutValidation(name, value))
                yield return $"Header '{name}' cannot be set.";
        }
    }
}
