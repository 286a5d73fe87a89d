namespace OrleansJobs.Client;

/// <summary>
/// The request was refused as invalid: a field of the submit or listing is wrong (HTTP 400 or 422, see <see cref="Errors"/>),
/// the body is not JSON (400), or the payload is over the service's limit (HTTP 413).
/// </summary>
/// <param name="problem">The answer's status and problem details.</param>
/// <param name="errors">Field name (camelCase; nested as <c>retry.maxDelay</c>) to its messages.</param>
public sealed class JobValidationException(JobProblem problem, IReadOnlyDictionary<string, string[]> errors)
    : OrleansJobsException(problem, Describe(problem, errors))
{
    /// <summary>Field name (camelCase; nested as <c>retry.maxDelay</c>; <c>$</c> for the body as a whole) to its messages. Empty when the request was refused as a whole.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    private static string? Describe(JobProblem problem, IReadOnlyDictionary<string, string[]> errors) =>
        errors.Count == 0
            ? null
            : $"{problem.Title ?? "The request is invalid"} ({(int)problem.Status}): " +
              string.Join("; ", errors.Select(field => $"{field.Key}: {string.Join(" ", field.Value)}"));
}
