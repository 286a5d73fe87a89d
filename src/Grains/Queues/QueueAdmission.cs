using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using OrleansJobs.Retries;

namespace OrleansJobs.Queues;

/// <summary>
/// The job grain's door to its queue. A queue with no limits that is not paused costs nothing: this silo keeps a copy
/// of which queues are limited (refreshed from <see cref="IQueueDirectoryGrain"/> at most every
/// <see cref="QueueOptions.SettingsRefreshInterval"/>, and at once for a change made through this silo), and only a job
/// of a limited queue asks its <see cref="IQueueGrain"/> for a slot.
/// </summary>
public sealed class QueueAdmission(IGrainFactory grains, TimeProvider time, IOptions<QueueOptions> options, ILogger<QueueAdmission> logger)
{
    /// <summary>The waits between tries to give a slot back: 100 ms, 500 ms, 2 s.</summary>
    private static readonly TimeSpan[] ReleaseRetries = [.. BackoffPolicy.Delays(TimeSpan.FromMilliseconds(100), 5, TimeSpan.FromSeconds(2)).Take(3)];

    private volatile Known? _known;
    private Task<Known>? _refreshing;
    private readonly Lock _refreshLock = new();

    private sealed record Known(ImmutableDictionary<string, QueueSettings> Queues, long LoadedAt);

    /// <summary>
    /// True when the job may start now; false when it waits for a slot (it stays Queued, and its queue wakes it).
    /// Call before the attempt is recorded as Running.
    /// </summary>
    public async ValueTask<bool> EnterAsync(JobState job, string silo)
    {
        if (await IsFreeAsync(job.Spec!.Queue)) return true;
        return await grains.GetGrain<IQueueGrain>(job.Spec.Queue).Acquire(TicketOf(job, silo));
    }

    /// <summary>The job as a waiter for a start (<see cref="WaitingOrder"/> orders these), asking on <paramref name="silo"/>.</summary>
    public static QueueTicket TicketOf(JobState job, string silo) =>
        new(job.Id, job.Spec!.Priority, job.Spec.ConcurrencyKey, job.CreatedAt, silo);

    /// <summary>
    /// True when <paramref name="queue"/> has no limits and is not paused: a job of it may start without asking its queue
    /// grain, and <see cref="EnterAsync"/> would answer true at once. Reads this silo's copy of the settings (refreshing
    /// it first when it is stale, as <see cref="EnterAsync"/> does).
    /// </summary>
    public async ValueTask<bool> IsFreeAsync(string queue) =>
        (await SettingsAsync()).GetValueOrDefault(queue) is not { IsFree: false };

    /// <summary>
    /// The job's attempt ended, or it stopped waiting: gives its slot back. Retried a few times, then left to the queue's
    /// own check, which finds the job no longer Running in the table and takes the slot back.
    /// </summary>
    public async Task LeaveAsync(JobState job)
    {
        var queue = job.Spec!.Queue;
        if ((await SettingsAsync()).GetValueOrDefault(queue) is not { IsFree: false }) return;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IQueueGrain>(queue).Release(job.Id);
                return;
            }
            catch (Exception ex) when (attempt < ReleaseRetries.Length)
            {
                logger.LogDebug(ex, "Job {JobId} could not give its slot in queue {Queue} back yet; retrying", job.Id, queue);
                await Task.Delay(ReleaseRetries[attempt], time);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Job {JobId} could not give its slot in queue {Queue} back; the queue's check takes it back", job.Id, queue);
                return;
            }
        }
    }

    /// <summary>This silo changed a queue's settings: use them at once rather than at the next refresh.</summary>
    public void Changed(string queue, QueueSettings settings)
    {
        if (_known is not { } known) return;
        _known = known with { Queues = settings.IsFree ? known.Queues.Remove(queue) : known.Queues.SetItem(queue, settings) };
    }

    private async ValueTask<ImmutableDictionary<string, QueueSettings>> SettingsAsync()
    {
        // Nothing known yet, or a copy older than the refresh interval (an idle silo's copy may be hours old): no job starts
        // on it unchecked. Callers meanwhile share the one refresh, so this is one grain call per interval and silo at most.
        var known = _known;
        if (known is null || time.GetElapsedTime(known.LoadedAt) >= options.Value.SettingsRefreshInterval) return (await Refresh()).Queues;
        return known.Queues;
    }

    /// <summary>One refresh at a time, off the calling grain's turn.</summary>
    private Task<Known> Refresh()
    {
        lock (_refreshLock)
        {
            if (_refreshing is { IsCompleted: false } running) return running;
            return _refreshing = Task.Run(async () =>
            {
                try
                {
                    var queues = await grains.GetGrain<IQueueDirectoryGrain>(0).GetAll();
                    return _known = new Known(queues, time.GetTimestamp());
                }
                catch (Exception ex) when (_known is { } stale)
                {
                    logger.LogWarning(ex, "Could not refresh the queue settings; using the ones from before");
                    return stale;
                }
            });
        }
    }
}
