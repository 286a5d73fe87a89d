namespace OrleansJobs.Api;

/// <summary>Why a job or one of its attempts failed: the message, and the exception type when there was one.</summary>
public sealed record ErrorResponse(string Message, string? Type)
{
    public static ErrorResponse From(JobError error) => new(error.Message, error.Type);
}
