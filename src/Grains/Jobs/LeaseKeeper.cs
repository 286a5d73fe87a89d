using System.Diagnostics;
using OrleansJobs.Queues;
using OrleansJobs.Telemetry;
using OrleansJobs.Workers;

namespace OrleansJobs.Jobs;

/// <summary>
/// A job's attempts leased to external workers, in its activation: the lease (admitted by the job's queue like an
/// in-process start, stored Running with the attempt), the worker's heartbeats (progress to watchers, a longer lease,
/// whether to stop), its complete or fail, and the timer that finds an expired lease. The lease is stored with the
/// attempt, so a fresh activation (its silo gone) picks it up where it was (<see cref="Watch"/>). What each of these
/// means for the job is <see cref="JobLifecycle"/>'s decision.
/// </summary>
public sealed class LeaseKeeper(
    IGrainBase grain,
    JobStateWriter writer,
    JobEventPublisher events,
    QueueAdmission admission,
    JobMetrics metrics,
    TimeProvider time,
    string silo,
    ILogger logger,
    Action resume)
{
    /// <summary>How long after its expiry a lease is checked: a heartbeat that extends it just in time is not raced.</summary>
    private static readonly TimeSpan ExpirySlack = TimeSpan.FromMilliseconds(250);

    private IGrainTimer? _expiry;

    private JobState Job => writer.Job;

    /// <summary>The job as its worker pool orders it among the ready ones (by <see cref="WaitingOrder"/>, as its queue would).</summary>
    public QueueTicket Ticket => QueueAdmission.TicketOf(Job, silo);

    /// <summary>The job's open attempt is leased to a worker.</summary>
    public bool Holds => JobLifecycle.OpenLease(Job) is not null;

    /// <summary>A fresh activation found a leased attempt: watch its lease (expired already, it is ended at once).</summary>
    public void Watch()
    {
        if (JobLifecycle.OpenLease(Job) is not { } attempt) return;
        events.BeginAttempt();
        Arm(attempt.LeaseExpiresAt!.Value);
    }

    /// <summary>Leases the job to <paramref name="worker"/> if it is Queued and its queue admits it now; null otherwise.</summary>
    public async Task<LeaseGrant?> LeaseAsync(string worker, string leaseId, TimeSpan duration)
    {
        if (Job.Status != JobStatus.Queued) return null;
        if (!await admission.EnterAsync(Job, silo)) return null; // waits for a slot: its queue wakes it, and it is offered again
        JobAttempt? started = null;
        try
        {
            await writer.ChangeAsync(job =>
            {
                if (job.Status != JobStatus.Queued) return false;
                var now = time.GetUtcNow();
                started = JobLifecycle.StartLeased(job, now, silo, worker, leaseId, now + duration);
                started.SpanId = job.TraceId is null ? null : ActivitySpanId.CreateRandom().ToHexString();
                return true;
            });
        }
        finally
        {
            if (started is null || Job.Status != JobStatus.Running) await admission.LeaveAsync(Job);
        }
        if (started is null) return null;
        metrics.AttemptStarted(Job.Spec!, started);
        logger.LogDebug("Job {JobId} attempt {Attempt} leased to worker {Worker}", Job.Id, started.Number, worker);
        Watch();
        var spec = Job.Spec!;
        var traceParent = Job.TraceId is { } traceId ? $"00-{traceId}-{started.SpanId}-01" : null;
        return new LeaseGrant(Job.Id, spec.Type, spec.Payload, started.Number, leaseId, started.LeaseExpiresAt!.Value, traceParent, spec.CorrelationId);
    }

    /// <summary>The worker's heartbeat: progress is published at once, a longer lease or a stop request is stored.</summary>
    public async Task<LeaseHeartbeat> HeartbeatAsync(string leaseId, double? percent, string? message, TimeSpan? extend)
    {
        Held(leaseId);
        if (percent is not null || message is not null)
        {
            (events.Progress ?? events.BeginAttempt()).Report(percent, message);
            await events.PublishProgressAsync();
        }
        var latest = events.Progress?.Latest;
        await writer.ChangeAsync(job =>
        {
            if (JobLifecycle.OpenLease(job, leaseId) is not { } open || !JobLifecycle.Heartbeat(job, open, time.GetUtcNow(), extend)) return false;
            job.Progress = latest ?? job.Progress;
            return true;
        });
        var attempt = Held(leaseId);
        Arm(attempt.LeaseExpiresAt!.Value);
        return new LeaseHeartbeat(attempt.LeaseExpiresAt.Value, attempt.StopRequested != AttemptStopReason.None);
    }

    /// <summary>The worker reports the attempt's end: it closes as an in-process attempt's would.</summary>
    public async Task EndAsync(string leaseId, string? result, JobError? error, bool retryable)
    {
        // Only a stored end counts: one still being written may yet fail, and the repeat would then be lost.
        if (JobLifecycle.EndedAs(writer.Visible, leaseId, error is null ? AttemptOutcome.Succeeded : AttemptOutcome.Failed)) return;
        Held(leaseId);
        var latest = events.Progress?.Latest;
        var ended = false;
        await writer.ChangeAsync(job =>
        {
            if (JobLifecycle.OpenLease(job, leaseId) is not { } open) return false;
            job.Progress = latest ?? job.Progress;
            JobLifecycle.EndAttempt(job, time.GetUtcNow(), open.StopRequested, result, error, retryable, Random.Shared.NextDouble());
            return ended = true;
        });
        if (!ended) throw Lost(leaseId);
        await EndedAsync();
    }

    /// <summary>Tells the leased attempt to stop; its worker learns it at its next heartbeat.</summary>
    public Task RequestStopAsync(AttemptStopReason reason) =>
        writer.ChangeAsync(job => JobLifecycle.OpenLease(job) is { } open && JobLifecycle.RequestStop(open, reason));

    private async Task ExpireAsync()
    {
        var now = time.GetUtcNow();
        if (JobLifecycle.OpenLease(Job) is not { } attempt) return;
        if (attempt.LeaseExpiresAt > now)
        {
            Arm(attempt.LeaseExpiresAt.Value); // extended meanwhile
            return;
        }
        logger.LogWarning("Job {JobId} attempt {Attempt}: the lease of worker {Worker} expired", Job.Id, attempt.Number, attempt.Worker);
        var ended = false;
        await writer.ChangeAsync(job =>
        {
            if (JobLifecycle.OpenLease(job, attempt.LeaseId) is not { } open || open.LeaseExpiresAt > time.GetUtcNow()) return false;
            JobLifecycle.ExpireLease(job, open, time.GetUtcNow(), Random.Shared.NextDouble());
            return ended = true;
        }, untilSaved: true);
        if (ended) await EndedAsync();
    }

    private async Task EndedAsync()
    {
        _expiry?.Dispose();
        _expiry = null;
        events.EndAttempt();
        await admission.LeaveAsync(Job);
        var attempt = Job.Attempts[^1];
        metrics.AttemptEnded(Job.Spec!, attempt.Outcome!.Value, attempt.EndedAt - attempt.StartedAt);
        logger.LogDebug("Job {JobId} attempt {Attempt} of worker {Worker} ended {Outcome}", Job.Id, attempt.Number, attempt.Worker, attempt.Outcome);
        resume();
    }

    private void Arm(DateTimeOffset expiresAt)
    {
        _expiry?.Dispose();
        var due = expiresAt - time.GetUtcNow();
        _expiry = grain.RegisterGrainTimer(_ => ExpireAsync(),
            new GrainTimerCreationOptions((due > TimeSpan.Zero ? due : TimeSpan.Zero) + ExpirySlack, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
    }

    private JobAttempt Held(string leaseId)
    {
        var visible = writer.Visible;
        return JobLifecycle.OpenLease(Job, leaseId) is { } attempt && JobLifecycle.OpenLease(visible, leaseId) is not null ? attempt : throw Lost(leaseId);
    }

    private LeaseLostException Lost(string leaseId) =>
        new(Job.Id, Job.Status, $"Lease '{leaseId}' does not hold job '{Job.Id}' (it is {Job.Status}, attempt {Job.Attempt}): the lease expired or the attempt ended.");
}
