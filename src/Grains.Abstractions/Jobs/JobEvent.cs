namespace OrleansJobs.Jobs;

/// <summary>
/// One change of a job, as watchers receive it (SignalR hub, SSE). <see cref="Sequence"/> is per job and increasing:
/// a watcher applies an event only if its sequence is above the last one it applied, which makes replays and the
/// current-state event sent on subscribe harmless. It has no gaps while the job's silo lives; after a crash it jumps
/// past whatever the lost attempt may have sent.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record JobEvent(
    [property: Id(0)] string JobId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] JobEventKind Kind,
    [property: Id(3)] JobStatus Status,
    [property: Id(4)] double? Percent,
    [property: Id(5)] string? Message,
    [property: Id(6)] DateTimeOffset At)
{
    /// <summary>The job's current state as one event (what a watcher gets first).</summary>
    public static JobEvent Snapshot(JobState job) =>
        new(job.Id, job.Sequence, JobEventKind.Status, job.Status, job.Progress?.Percent, job.Progress?.Message ?? job.Error?.Message, job.UpdatedAt);
}
