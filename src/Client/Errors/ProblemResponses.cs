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
        var problem = new JobProblem(response.StatusCode,
            String(raw, "type"), String(raw, "title") ?? response.ReasonPhrase, String(raw, "detail"), raw);
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound when scheduleName is not null => new ScheduleNotFoundException(problem, scheduleName),
            HttpStatusCode.NotFound => new JobNotFoundException(problem, jobId),
            HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnprocessableEntity =>
                new JobValidationException(problem, FieldErrors(raw)),
            HttpStatusCode.Conflict => new JobConflictException(problem, jobId,
                Enum.TryParse<JobStatus>(String(raw, "jobStatus"), ignoreCase: true, out var status) ? status : null),
            HttpStatusCode.TooManyRequests => new JobThrottledException(problem, RetryAfter(response, time)),
            HttpStatusCode.ServiceUnavailable => new JobServiceUnavailableException(problem, RetryAfter(response, time)),
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
