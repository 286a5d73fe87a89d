namespace OrleansJobs.Api;

/// <summary>A running job's latest progress report, as the job JSON carries it.</summary>
public sealed record ProgressResponse(double? Percent, string? Message, DateTimeOffset UpdatedAt)
{
    public static ProgressResponse From(JobProgress progress) => new(progress.Percent, progress.Message, progress.UpdatedAt);
}
