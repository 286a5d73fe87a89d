using System.Net;
using System.Text.Json;

namespace OrleansJobs.Client;

/// <summary>
/// The service answered with an error. Subclasses name the errors a caller can act on; other statuses (such as 500) come
/// as this type. Network failures are not wrapped: they surface as <see cref="HttpRequestException"/>.
/// </summary>
public class OrleansJobsException : Exception
{
    /// <summary>Creates the exception for an error answer.</summary>
    /// <param name="problem">The answer's status and problem details.</param>
    /// <param name="message">The message; by default made of the problem's title and detail.</param>
    public OrleansJobsException(JobProblem problem, string? message = null)
        : base(message ?? Describe(problem)) => Problem = problem;

    /// <summary>The answer's status and problem details as sent.</summary>
    public JobProblem Problem { get; }

    /// <summary>The HTTP status code of the answer.</summary>
    public HttpStatusCode StatusCode => Problem.Status;

    /// <summary>The problem's <c>title</c>: a short summary of the kind of error.</summary>
    public string? Title => Problem.Title;

    /// <summary>The problem's <c>detail</c>: what exactly went wrong.</summary>
    public string? Detail => Problem.Detail;

    /// <summary>The problem's <c>type</c> URI.</summary>
    public string? ProblemType => Problem.Type;

    /// <summary>The whole problem object as sent, or null when the answer had no JSON body.</summary>
    public JsonElement? RawProblem => Problem.Raw;

    private static string Describe(JobProblem problem)
    {
        var summary = $"{problem.Title ?? "The OrleansJobs service answered an error"} ({(int)problem.Status} {problem.Status})";
        return problem.Detail is { Length: > 0 } detail ? $"{summary}: {detail}" : summary;
    }
}
