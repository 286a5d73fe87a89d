namespace OrleansJobs.Client;

/// <summary>Helpers on <see cref="JobStatus"/>.</summary>
public static class JobStatusExtensions
{
    /// <summary>True for the statuses a job never leaves on its own: <see cref="JobStatus.Succeeded"/>, <see cref="JobStatus.Failed"/>, <see cref="JobStatus.Cancelled"/>.</summary>
    /// <param name="status">The status to test.</param>
    public static bool IsTerminal(this JobStatus status) =>
        status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Cancelled;
}
