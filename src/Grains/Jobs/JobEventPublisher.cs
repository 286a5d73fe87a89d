using Orleans.Streams;

namespace OrleansJobs.Jobs;

/// <summary>
/// Sends a job's events to its stream, for watchers (hub, SSE): status snapshots as they are stored, and the running
/// attempt's progress, coalesced to at most one event per <see cref="PublishPeriod"/>. Only a watched job publishes
/// (<see cref="JobState.Watched"/>). Events leave in sequence order: every one is sent in turn with the job's changes.
/// </summary>
public sealed class JobEventPublisher(JobStateWriter writer, Func<IAsyncStream<JobEvent>> openStream, TimeProvider time, ILogger logger)
{
    /// <summary>Progress events are coalesced to at most one per this period.</summary>
    public static readonly TimeSpan PublishPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The least time between two progress events: the period less some slack, so that a handler reporting once per
    /// period is not held back a whole period because its previous report took a few milliseconds to go out.
    /// </summary>
    public static readonly TimeSpan MinProgressGap = PublishPeriod * 0.9;

    private IAsyncStream<JobEvent>? _events;
    private JobProgress? _published;

    /// <summary>Where the running attempt's handler reports progress; null while no attempt runs.</summary>
    public ProgressSlot? Progress { get; private set; }

    /// <summary>An attempt starts: a fresh slot for its handler's reports.</summary>
    public ProgressSlot BeginAttempt()
    {
        _published = null;
        return Progress = new ProgressSlot(time);
    }

    /// <summary>The attempt's outcome is stored (with its last progress): reports are no longer shown live.</summary>
    public void EndAttempt() => Progress = null;

    /// <summary>
    /// Publishes progress as it is reported until <paramref name="handlerDone"/>, at most once per
    /// <see cref="PublishPeriod"/>: a report that comes sooner waits out the rest of the period and goes out then (only
    /// the latest, if several came meanwhile). A handler reporting ten times a second or less thus has each report
    /// published at once.
    /// </summary>
    public async Task PublishProgressWhileRunningAsync(ProgressSlot slot, Task handlerDone)
    {
        var lastPublished = long.MinValue;
        while (true)
        {
            await Task.WhenAny(slot.Changed, handlerDone);
            if (handlerDone.IsCompleted) return;
            // Measured from the start of the last publish.
            if (lastPublished != long.MinValue && MinProgressGap - time.GetElapsedTime(lastPublished) is { Ticks: > 0 } rest)
                await Task.WhenAny(Task.Delay(rest, time), handlerDone);
            if (handlerDone.IsCompleted) return;
            slot.ResetChanged();
            lastPublished = time.GetTimestamp();
            await PublishProgressAsync();
        }
    }

    /// <summary>Publishes the latest progress report if it has not been published yet (the last one is never dropped).</summary>
    public async Task PublishProgressAsync()
    {
        if (Progress?.Latest is not { } latest || ReferenceEquals(latest, _published)) return;
        await writer.InTurnAsync(async () =>
        {
            var job = writer.Job;
            if (job.Status != JobStatus.Running || ReferenceEquals(latest, _published)) return;
            _published = latest;
            var sequence = JobLifecycle.NextEvent(job);
            if (job.Watched) await PublishAsync(new JobEvent(job.Id, sequence, JobEventKind.Progress, job.Status, latest.Percent, latest.Message, latest.UpdatedAt));
        });
    }

    /// <summary>
    /// Sends an event to the job's stream. Events are for watchers: a failure to publish is logged, never a reason to
    /// fail the job (a watcher that reconnects gets the current state first anyway). Called in turn with the changes.
    /// </summary>
    public async Task PublishAsync(JobEvent jobEvent)
    {
        try
        {
            _events ??= openStream();
            await _events.OnNextAsync(jobEvent);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not publish event {Sequence} of job {JobId}", jobEvent.Sequence, jobEvent.JobId);
        }
    }
}
