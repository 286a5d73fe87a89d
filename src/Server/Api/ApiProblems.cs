using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Api;

/// <summary>The API's problem details, in one place so that every error reads alike.</summary>
internal static class ApiProblems
{
    public static IResult NotFound(string id) =>
        TypedResults.Problem($"No job has the id '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Job not found");

    public static IResult BatchNotFound(string id) =>
        TypedResults.Problem($"No batch has the id '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Batch not found");

    public static IResult Conflict(string detail, JobStatus status) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Not allowed in the job's current status",
            extensions: new Dictionary<string, object?> { ["jobStatus"] = status.ToString() });

    public static IResult JobTypeConflict(string type, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: $"Job type '{type}' cannot change so");

    public static IResult TooLarge(int maxPayloadBytes) =>
        TypedResults.Problem($"The payload is larger than the limit of {maxPayloadBytes} bytes (OrleansJobs:MaxPayloadBytes).",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");

    /// <summary>A body over an endpoint's fixed limit (settings, worker requests): the limit is the endpoint's own, not a setting.</summary>
    public static IResult BodyTooLarge(int limitBytes) =>
        TypedResults.Problem($"The body is larger than this endpoint's limit of {limitBytes} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");

    public static IResult BadRequest(string title, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: title);

    public static IResult Validation(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });
}
