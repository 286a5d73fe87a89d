using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OrleansJobs.Client;

/// <summary>Turns the service's error answers (RFC 7807 problem details) into the client's typed exceptions.</summary>
internal static class ProblemResponses
{
    public static async Task<OrleansJobsException> ToExceptionAsync(
        HttpResponseMessage response, string? jobId, TimeProvider time, CancellationToken cancellationToken, string? scheduleName = null)
    {
        var raw = await ReadJsonObjectAsync(response, cancellationToken).ConfigureAwait(false);
        return ToException(response.StatusCode, raw, response.ReasonPhrase, RetryAfter(response, time), jobId, scheduleName);
    }

    /// <summary>
    /// The typed exception for an error answer: its <paramref name="status"/>, its problem document (<paramref name="raw"/>,
    /// null without one), its reason phrase, and its <c>Retry-After</c>. The in-process client of OrleansJobs.Server
    /// turns its refusals into exceptions here too, so that both clients throw alike.
    /// </summary>
    internal static OrleansJobsException ToException(
        HttpStatusCode status, JsonElement? raw, string? reasonPhrase, TimeSpan? retryAfter, string? jobId, string? scheduleName = null)
    {
        var problem = new JobProblem(status, String(raw, "type"), String(raw, "title") ?? reasonPhrase, String(raw, "detail"), raw);
        return status switch
        {
            HttpStatusCode.NotFound when scheduleName is not null => new ScheduleNotFoundException(problem, scheduleName),
            HttpStatusCode.NotFound => new JobNotFoundException(problem, jobId),
            HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity =>
                new JobValidationException(problem, FieldErrors(raw)),
            HttpStatusCode.Conflict => new JobConflictException(problem, jobId,
                Enum.TryParse<JobStatus>(String(raw, "jobStatus"), ignoreCase: true, out var jobStatus) ? jobStatus : null),
            HttpStatusCode.TooManyRequests => new JobThrottledException(problem, retryAfter),
            HttpStatusCode.ServiceUnavailable => new JobServiceUnavailableException(problem, retryAfter),
            _ => new OrleansJobsException(problem),
        };
    }

    private static async Task<JsonElement?> ReadJsonObjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // A proxy in between may answer with HTML or nothing at all; only a JSON object is a problem document.
        if (response.Content.Headers.ContentType?.MediaType is not { } mediaType || !mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
            return null;
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            return body.ValueKind == JsonValueKind.Object ? body : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? String(JsonElement? problem, string name) =>
        problem is { } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, string[]> FieldErrors(JsonElement? problem)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (problem is not { } p || !p.TryGetProperty("errors", out var fields) || fields.ValueKind != JsonValueKind.Object)
            return errors;
        foreach (var field in fields.EnumerateObject())
        {
            errors[field.Name] = field.Value.ValueKind switch
            {
                JsonValueKind.Array => field.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToArray(),
                JsonValueKind.String => [field.Value.GetString()!],
                _ => [],
            };
        }
        return errors;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };
}
