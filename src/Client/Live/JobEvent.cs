namespace OrleansJobs.Client;

/// <summary>
/// One change of a job, as <see cref="IOrleansJobsClient.WatchAsync"/> yields it. Every event carries the job's whole
/// current status and progress, so the latest one is all a watcher needs to show.
/// </summary>
/// <param name="JobId">The job's id.</param>
/// <param name="Sequence">
/// Per job and increasing: a watch yields each sequence at most once and in order. It rises by one per event while the
/// job's silo lives, and jumps ahead after a crash; compare it with <see cref="JobInfo.Sequence"/> of a job read over HTTP.
/// </param>
/// <param name="Kind">Whether the status changed or progress was reported.</param>
/// <param name="Status">The job's status at this event.</param>
/// <param name="Percent">The job's last reported progress, 0 to 100, when its handler reported any.</param>
/// <param name="Message">The handler's last progress message, or for a failed job its error.</param>
/// <param name="At">When the change happened (UTC).</param>
public sealed record JobEvent(string JobId, long Sequence, JobEventKind Kind, JobStatus Status, double? Percent, string? Message, DateTimeOffset At)
{
    /// <summary>True for the event that ends a watch: a status event whose status is terminal.</summary>
    public bool IsFinal => Kind == JobEventKind.Status && Status.IsTerminal();
}
