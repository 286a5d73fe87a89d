using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrleansJobs.Queues;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Jobs;

/// <summary>
/// Runs a job's attempts in its activation, as a detached task (so the grain answers status and cancel calls while an
/// attempt runs) with the handler itself on the thread pool. A pass of the loop waits, still Queued, for a queue slot
/// (<see cref="QueueAdmission"/>) and a handler slot on this silo (<see cref="JobRunner"/>), stores the attempt
/// Running, runs the handler, and stores its outcome (<see cref="JobLifecycle.EndAttempt(JobState, DateTimeOffset, AttemptStopReason, string?, Exception?, double)"/>); when a pass runs, and
/// when the activation is left to a fresh one instead, is <see cref="AttemptLoopState"/>'s decision.
/// </summary>
public sealed class AttemptLoop(
    IGrainBase grain,
    JobStateWriter writer,
    JobEventPublisher events,
    JobRunner runner,
    QueueAdmission admission,
    JobMetrics metrics,
    TimeProvider time,
    IOptions<JobServiceOptions> options,
    string silo,
    ILogger logger,
    Action<DateTimeOffset> arm,
    Action deactivateWhenIdle)
{
    /// <summary>The loop while it runs; at most one per activation.</summary>
    private Task? _loop;
    /// <summary>The running attempt's cancellation, from just before its Running write until its handler ended.</summary>
    private CancellationTokenSource? _cancellation;
    private AttemptStopReason _stopReason;

    public AttemptLoopState State { get; } = new();

    /// <summary>The loop, while one runs or after it ended; null if none ever ran here.</summary>
    public Task? Loop => _loop;

    /// <summary>
    /// An attempt runs here, or is about to: the loop runs, or an attempt is held (a new job's first attempt is held
    /// during its creation's write, before the loop starts).
    /// </summary>
    public bool IsRunning => _loop is { IsCompleted: false } || _cancellation is not null;

    private JobState Job => writer.Job;

    /// <summary>Asks for an attempt: starts the loop, or has it run another pass, or leaves it to a fresh activation.</summary>
    public void Request()
    {
        if (State.Request()) _loop = RunAsync();
    }

    /// <summary>Tells the running attempt to stop; the first reason given is the one its outcome is decided by.</summary>
    public void Stop(AttemptStopReason reason)
    {
        if (_cancellation is not { } cancellation) return;
        if (_stopReason == AttemptStopReason.None) _stopReason = reason;
        try { cancellation.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// The activation is going away: no attempt starts from here on, a running one is interrupted and awaited. True when
    /// work was given up on, which a fresh activation must carry out.
    /// </summary>
    public async Task<bool> CloseAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        State.Close();
        if (_loop is not { IsCompleted: false } loop) return State.WakeFresh;
        // Deactivated while running (shutdown, rebalancing): stop the handler and hand the job back to the queue.
        if (Job.Status == JobStatus.Running)
            logger.LogWarning("Job {JobId} attempt {Attempt} interrupted: its activation is being deactivated ({Reason})", Job.Id, Job.Attempt, reason);
        Stop(AttemptStopReason.Shutdown);
        await loop.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
        return true;
    }

    /// <summary>
    /// What a new job's first attempt needs to start with its creation: its queue has no limits (so no queue grain is
    /// asked for a slot), a handler slot is free on this silo now, and the silo is not draining. Null otherwise, and the
    /// job is stored Queued and started as usual.
    /// </summary>
    public async ValueTask<AttemptHold?> TryHoldAtOnceAsync(JobSpec spec, string jobId)
    {
        if (runner.Draining || State.Closing || State.EverStarted || spec.DependsOn is { Count: > 0 }) return null;
        if (spec.RunAt is { } runAt && runAt > time.GetUtcNow()) return null;
        if (!await admission.IsFreeAsync(spec.Queue) || runner.TryAcquireSlot(spec.Type) is not { } slot) return null;
        return Hold(slot, spec, jobId, 1);
    }

    /// <summary>Records the held attempt as begun on this silo, with its span's id (in the change that stores it Running).</summary>
    public void Begin(JobState job, AttemptHold hold, DateTimeOffset now) =>
        JobLifecycle.Start(job, now, silo).SpanId = hold.Span?.SpanId.ToHexString();

    /// <summary>
    /// After the write that was to store the held attempt Running: if it did, the handler starts now (returns the hold
    /// for <see cref="RunBegun"/>); if not, what it held is given back (returns null).
    /// </summary>
    public AttemptHold? Started(AttemptHold? hold)
    {
        if (hold is null) return null;
        if (Job.Status != JobStatus.Running) return Release(hold);
        JobLifecycle.HandlerStarted(Job, time.GetUtcNow());
        return hold;
    }

    /// <summary>Runs the attempt begun with the job's creation, then whatever the loop is asked for.</summary>
    public void RunBegun(AttemptHold hold)
    {
        State.StartBegun();
        _loop = RunAsync(hold);
    }

    /// <summary>An attempt held for a job that was not stored Running after all: gives back what it held.</summary>
    public AttemptHold? Release(AttemptHold? hold)
    {
        if (hold is null) return null;
        _cancellation = null;
        JobTelemetry.Discard(hold.Span);
        hold.Dispose();
        return null;
    }

    /// <summary>
    /// Runs passes while <see cref="AttemptLoopState"/> says so. A pass whose attempt could not be recorded (another
    /// activation wrote the job meanwhile, or storage failed in a way that is not an outage) leaves this activation's
    /// state behind the stored one: it is dropped, and the next call (at the latest the sweeper's wake of a quiet job)
    /// loads the stored state and recovers the job from there.
    /// </summary>
    private async Task RunAsync(AttemptHold? begun = null)
    {
        while (true)
        {
            State.PassBegins();
            try
            {
                await (begun is null ? RunPassAsync() : RunBegunAttemptAsync(begun));
                begun = null;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Job {JobId} could not record its attempt; reloading it from storage", Job.Id);
                State.Abandoned();
                deactivateWhenIdle();
                return;
            }
            // Draining: the job stays Queued for the restart.
            if (!State.PassEnded(runnable: Job.Status == JobStatus.Queued && !runner.Draining)) return;
        }
    }

    private async Task RunPassAsync()
    {
        if (runner.Draining) return; // stays Queued in storage; resumed after restart
        if (!await admission.EnterAsync(Job, silo)) return; // waits Queued for a slot: its queue wakes it
        if (State.Closing)
        {
            // Admitted while this activation is going away: the fresh one it wakes enters again.
            await admission.LeaveAsync(Job);
            State.GaveUp();
            return;
        }
        // Created before the Running write so that a cancel arriving during that write is not lost.
        var cancellation = Arm();
        var spec = Job.Spec!;
        AttemptHold? hold = null;
        var handedOn = false;
        try
        {
            // Waits, still Queued, for a handler slot on this silo (OrleansJobs:Execution); kept until the outcome is written.
            using (logger.BeginScope(new AttemptLogScope(Job.Id, Job.Attempt + 1, Job.TraceId, spec.CorrelationId)))
            {
                var slot = await runner.AcquireSlotAsync(spec.Type, cancellation.Token);
                if (slot is null)
                {
                    _cancellation = null;
                    await admission.LeaveAsync(Job);
                    return;
                }
                hold = Hold(slot, spec, Job.Id, Job.Attempt + 1, cancellation);
                await writer.ChangeAsync(job =>
                {
                    if (job.Status != JobStatus.Queued) return false;
                    Begin(job, hold, time.GetUtcNow());
                    return true;
                }, untilSaved: true);
                if (Started(hold) is null)
                {
                    hold = null; // given back
                    await admission.LeaveAsync(Job); // not started after all (cancelled meanwhile)
                    return;
                }
                handedOn = true;
            }
        }
        finally
        {
            if (!handedOn)
            {
                if (hold is null) cancellation.Dispose();
                else Release(hold);
            }
        }
        await RunBegunAttemptAsync(hold);
    }

    /// <summary>
    /// Runs the handler of an attempt already stored as Running (by a pass, or with the job's creation) and records its
    /// outcome; the hold is given back once that is written.
    /// </summary>
    private async Task RunBegunAttemptAsync(AttemptHold hold)
    {
        using var held = hold;
        var spec = Job.Spec!;
        // Every log line of the attempt (the grain's and the handler's) carries these.
        var started = Job.Attempts[^1];
        using var logScope = logger.BeginScope(new AttemptLogScope(Job.Id, started.Number, Job.TraceId, spec.CorrelationId));
        // Current from here on (this method's own context), so that the handler's outbound calls carry the trace on.
        var span = hold.Span;
        if (span is not null) Activity.Current = span;
        metrics.AttemptStarted(spec, started);
        JobTelemetry.AttemptStarted(span, Job, started);
        logger.LogDebug("Job {JobId} attempt {Attempt} started", Job.Id, started.Number);
        var progress = events.BeginAttempt();
        // A job without a timeout of its own gets the default, so that no handler holds its slot for good.
        using var timeout = new CancellationTokenSource(spec.Timeout ?? options.Value.DefaultTimeout, time);
        using var onTimeout = timeout.Token.Register(() => Stop(AttemptStopReason.Timeout));
        using var tracked = runner.Track(Job.Id, () => Stop(AttemptStopReason.Shutdown));
        using var keepAlive = grain.RegisterGrainTimer(_ => Task.CompletedTask, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { Interleave = true, KeepAlive = true });

        var handlerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progressEvents = events.PublishProgressWhileRunningAsync(progress, handlerDone.Task);
        var handler = runner.ExecuteAsync(Job, progress, hold.Cancellation.Token);
        var (result, error) = await AwaitHandlerAsync(handler, hold.Cancellation.Token);
        _cancellation = null; // told nothing more from here: the stop reason is final
        handlerDone.SetResult();
        await progressEvents;
        await events.PublishProgressAsync(); // the last report is never dropped
        var latest = progress.Latest;
        var stop = _stopReason;

        await writer.ChangeAsync(job =>
        {
            job.Progress = latest ?? job.Progress;
            JobLifecycle.EndAttempt(job, time.GetUtcNow(), stop, result, error, Random.Shared.NextDouble());
        }, untilSaved: true);
        events.EndAttempt();
        await admission.LeaveAsync(Job);
        var ended = Job.Attempts[^1];
        metrics.AttemptEnded(spec, ended.Outcome!.Value, ended.EndedAt - ended.StartedAt);
        JobTelemetry.AttemptEnded(span, Job, ended, error);
        logger.Log(ended.Outcome is AttemptOutcome.Succeeded ? LogLevel.Debug : LogLevel.Information,
            "Job {JobId} attempt {Attempt} ended {Outcome} after {Duration} ms", Job.Id, ended.Number, ended.Outcome, (ended.EndedAt - ended.StartedAt)?.TotalMilliseconds);
        if (Job.Status == JobStatus.Failed && ended.Outcome is AttemptOutcome.Failed or AttemptOutcome.TimedOut)
            logger.LogWarning("Job {JobId} failed after {Attempts} attempts: {Error}", Job.Id, Job.CountedAttempts, Job.Error?.Message);
        if (Job.Status == JobStatus.Queued) Request(); // an interrupted attempt: the loop goes on (or wakes a fresh activation)
        else if (Job.Status == JobStatus.Scheduled) arm(Job.DueAt!.Value);
        // A finished job has nothing left to do here: its activation goes as soon as the calls waiting on it are
        // answered, rather than after Orleans' idle period, so a silo's memory holds the jobs in flight and not the
        // last quarter of an hour's (a later read activates it again from its row).
        else if (Job.Status.IsTerminal() && !Job.HandOverPending) deactivateWhenIdle();
    }

    /// <summary>Waits for the handler; once it has been told to stop it gets a grace period, then it is abandoned.</summary>
    private async Task<(string? Result, Exception? Error)> AwaitHandlerAsync(Task<JsonNode?> handler, CancellationToken stopped)
    {
        var grace = options.Value.CancellationGracePeriod;
        var abandon = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStop = stopped.Register(() => _ = Task.Delay(grace, time).ContinueWith(_ => abandon.TrySetResult(), TaskScheduler.Default));
        await Task.WhenAny(handler, abandon.Task);
        if (!handler.IsCompleted)
        {
            logger.LogWarning("Job {JobId} attempt {Attempt} ignored its cancellation for {Grace}; abandoning it", Job.Id, Job.Attempt, grace);
            _ = handler.ContinueWith(t => t.Exception, TaskScheduler.Default); // observe a late failure
            return (null, new OperationCanceledException("The handler did not stop in time and was abandoned."));
        }
        try
        {
            var node = await handler;
            return (node?.ToJsonString(), null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    /// <summary>A fresh cancellation for the next attempt, with no stop reason yet.</summary>
    private CancellationTokenSource Arm()
    {
        _cancellation = new CancellationTokenSource();
        _stopReason = AttemptStopReason.None;
        return _cancellation;
    }

    /// <summary>
    /// What an attempt about to be stored Running holds. Its span is made here, as its id is stored with the attempt, but
    /// not made current: the rest of the call is not part of the attempt (<see cref="RunBegunAttemptAsync"/> makes it
    /// current for the handler).
    /// </summary>
    private AttemptHold Hold(IDisposable slot, JobSpec spec, string jobId, int attempt, CancellationTokenSource? cancellation = null)
    {
        cancellation ??= Arm();
        var current = Activity.Current;
        var span = JobTelemetry.StartAttempt(spec, jobId, attempt);
        Activity.Current = current;
        return new AttemptHold(cancellation, slot, span);
    }
}
