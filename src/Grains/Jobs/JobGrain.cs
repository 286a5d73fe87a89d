using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using OrleansJobs.Handlers;
using OrleansJobs.Queues;
using OrleansJobs.Retries;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Jobs;

/// <summary>
/// One job. Requests change the state through <see cref="JobLifecycle"/> and persist it before they answer;
/// an attempt runs as a detached task on this activation (so status and cancel calls are answered while it
/// runs) with the handler itself on the thread pool. The grain stays active while it has work in the near
/// future; the sweeper wakes it for later work and after its silo dies (see <see cref="JobSweeperGrain"/>).
/// </summary>
[GrainType("job")]
public sealed class JobGrain(
    [PersistentState("job", JobGrain.StorageName)] IPersistentState<JobState> store,
    JobRunner runner,
    QueueAdmission admission,
    JobMetrics metrics,
    TimeProvider time,
    IOptions<JobServiceOptions> options,
    ILocalSiloDetails silo,
    DeepCopier<JobState> copier,
    ILogger<JobGrain> logger) : Grain, IJobGrain
{
    public const string StorageName = "jobs";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _silo = silo.SiloAddress.ToParsableString();
    private JobState Job => store.State;

    /// <summary>
    /// The state as stored while a change to it is being written, null otherwise. Answers come from here meanwhile, so
    /// that no caller is shown a state that is not stored yet (a Succeeded that a SIGKILL would turn back into a lost
    /// attempt that runs again).
    /// </summary>
    private JobState? _stored;
    /// <summary>Set while a submit is being carried out: a read meanwhile finds no job, but must not deactivate it.</summary>
    private bool _submitting;

    /// <summary>The state callers are answered from: the stored one (see <see cref="_stored"/>).</summary>
    private JobState Visible => _stored ?? Job;

    /// <summary>The attempt loop (<see cref="RunAttemptsAsync"/>) while it runs; at most one per activation.</summary>
    private Task? _attempt;
    /// <summary>Set when something asks for an attempt while the loop is still finishing the last one: it runs again.</summary>
    private bool _runAgain;
    /// <summary>Set once this activation is going away: it starts no more attempts (see <see cref="DeactivateWhenIdle"/>).</summary>
    private bool _deactivating;
    /// <summary>Set when an attempt was due but not started (or was interrupted) because this activation is going away.</summary>
    private bool _wakeAfterDeactivation;
    private CancellationTokenSource? _attemptCancellation;
    private StopReason _stopReason;
    private ProgressSlot? _progress;
    private IGrainTimer? _timer;
    private TaskCompletionSource? _finished;
    private IAsyncStream<JobEvent>? _events;
    private JobProgress? _publishedProgress;

    /// <summary>Progress events are coalesced to at most one per this period.</summary>
    private static readonly TimeSpan ProgressPublishPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The least time between two progress events: the period less some slack, so that a handler reporting once per
    /// period is not held back a whole period because its previous report took a few milliseconds to go out.
    /// </summary>
    private static readonly TimeSpan MinProgressGap = ProgressPublishPeriod * 0.9;

    private enum StopReason { None, Cancel, Timeout, Shutdown }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Job.Exists) return;
        if (Job.Status == JobStatus.Running)
        {
            // A fresh activation never has a handler running: the silo that ran this attempt is gone.
            logger.LogWarning("Job {JobId} attempt {Attempt} was lost with its silo; recovering it", Job.Id, Job.Attempt);
            // The lost attempt may have published progress events after its last write, one per MinProgressGap at most:
            // continue the sequence past all of them, so that no watcher mistakes a new event for one it has seen.
            var unrecorded = Math.Max(0, (time.GetUtcNow() - Job.UpdatedAt).TotalSeconds);
            Job.Sequence += 10 + (long)Math.Ceiling(unrecorded * (TimeSpan.FromSeconds(1) / MinProgressGap));
            await RecordLostAttemptAsync("The silo running this attempt stopped unexpectedly.");
        }
        Resume();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        var interrupted = false;
        if (_attempt is { IsCompleted: false } attempt)
        {
            // Deactivated while running (shutdown, rebalancing): stop the handler and hand the job back to the queue.
            if (Job.Status == JobStatus.Running)
                logger.LogWarning("Job {JobId} attempt {Attempt} interrupted: its activation is being deactivated ({Reason})", Job.Id, Job.Attempt, reason);
            StopAttempt(StopReason.Shutdown);
            await attempt.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Current);
            interrupted = true;
        }
        // Work this activation gave up on goes on in a fresh one (the call is queued until this one is gone).
        if ((interrupted || _wakeAfterDeactivation) && Job.Exists && Job.Status == JobStatus.Queued && !runner.Draining)
            _ = GrainFactory.GetGrain<IJobGrain>(Job.Id).Wake();
    }

    /// <summary>
    /// Asks Orleans to deactivate this activation once the calls it is serving are answered. From here on it starts no
    /// attempt: a call answered meanwhile that makes the job runnable again (a retry that races a finished job's
    /// deactivation) is carried out by a fresh activation, which <see cref="OnDeactivateAsync"/> wakes.
    /// </summary>
    private void DeactivateWhenIdle()
    {
        _deactivating = true;
        DeactivateOnIdle();
    }

    async Task<SubmitResult> IJobGrain.Submit(JobSpec spec)
    {
        if (Job.Exists) return new SubmitResult(Snapshot(), Created: false);
        if (runner.Draining) throw new JobServiceUnavailableException("The silo is shutting down.");
        _submitting = true;
        try
        {
            return await CreateAsync(spec);
        }
        finally
        {
            _submitting = false;
        }
    }

    private async Task<SubmitResult> CreateAsync(JobSpec spec)
    {
        // A job that can start at once is stored already Running, its first attempt begun: one write instead of two.
        var hold = await TryHoldAtOnceAsync(spec);
        try
        {
            await ChangeAsync(job =>
            {
                var now = time.GetUtcNow();
                JobLifecycle.Create(job, this.GetPrimaryKeyString(), spec, now);
                if (hold is not null && job.Status == JobStatus.Queued && !JobDependencies.IsWaiting(job))
                    Begin(job, hold, now);
            });
        }
        catch
        {
            ReleaseUnstarted(hold);
            throw;
        }
        metrics.Submitted(spec);
        if (hold is not null && Job.Status != JobStatus.Running) hold = ReleaseUnstarted(hold);
        if (hold is not null) MarkHandlerStart();
        if (Job.CallbackPending) await RegisterWithDependenciesAsync();
        var submitted = Snapshot();
        if (hold is not null) _attempt = RunAttemptsAsync(hold);
        else Resume();
        if (Job.Status == JobStatus.Scheduled && !IsSoon(Job.DueAt)) DeactivateWhenIdle();
        return new SubmitResult(submitted, Created: true);
    }

    /// <summary>
    /// What a new job's first attempt needs to start with its creation: its queue has no limits (so no queue grain is
    /// asked for a slot), a handler slot is free on this silo now, and the silo is not draining. Null otherwise, and the
    /// job is stored Queued and started as usual.
    /// </summary>
    private async ValueTask<AttemptHold?> TryHoldAtOnceAsync(JobSpec spec)
    {
        if (runner.Draining || _deactivating || _attempt is not null || spec.DependsOn is { Count: > 0 }) return null;
        if (spec.RunAt is { } runAt && runAt > time.GetUtcNow()) return null;
        if (!await admission.IsFreeAsync(spec.Queue) || runner.TryAcquireSlot(spec.Type) is not { } slot) return null;
        var cancellation = new CancellationTokenSource();
        _attemptCancellation = cancellation;
        _stopReason = StopReason.None;
        return Hold(cancellation, slot, spec, this.GetPrimaryKeyString(), 1);
    }

    /// <summary>
    /// The attempt just stored as Running starts its handler now: its <c>startedAt</c> (and the job's) becomes this
    /// moment rather than the one its Running write was prepared at, so start delays and lateness include that write,
    /// as a user waiting for the handler sees them. Stored with the attempt's outcome; until then the stored row holds
    /// the earlier time (a write's duration before).
    /// </summary>
    private void MarkHandlerStart() => Job.Attempts[^1].StartedAt = (Job.StartedAt = time.GetUtcNow()).Value;

    /// <summary>
    /// What an attempt about to be stored Running holds: its cancellation, its handler slot, and its span in the
    /// submitter's trace. The span is made here, as its id is stored with the attempt, but not made current: the rest
    /// of the call is not part of the attempt (<see cref="RunStartedAttemptAsync"/> makes it current for the handler).
    /// </summary>
    private static AttemptHold Hold(CancellationTokenSource cancellation, IDisposable slot, JobSpec spec, string jobId, int attempt)
    {
        var current = Activity.Current;
        var span = JobTelemetry.StartAttempt(spec, jobId, attempt);
        Activity.Current = current;
        return new AttemptHold(cancellation, slot, span);
    }

    /// <summary>Records the held attempt as begun on this silo, with its span's id.</summary>
    private void Begin(JobState job, AttemptHold hold, DateTimeOffset now) =>
        JobLifecycle.Start(job, now, _silo).SpanId = hold.Span?.SpanId.ToHexString();

    /// <summary>An attempt held for a job that was not stored Running after all: gives back what it held.</summary>
    private AttemptHold? ReleaseUnstarted(AttemptHold? hold)
    {
        if (hold is null) return null;
        _attemptCancellation = null;
        JobTelemetry.Discard(hold.Span);
        hold.Dispose();
        return null;
    }

    Task<JobState?> IJobGrain.Get() => Task.FromResult(Visible.Exists ? Snapshot() : Missing());

    async Task<JobState> IJobGrain.Cancel()
    {
        EnsureExists();
        await UntilStoredAsync(); // an outcome on its way decides between cancelling and "already finished"
        if (Job.Status == JobStatus.Running && _attempt is { } attempt)
        {
            StopAttempt(StopReason.Cancel);
            await attempt;
            if (Job.Status.IsTerminal()) return Snapshot();
        }
        if (Job.Status.IsTerminal())
            throw new JobConflictException(Job.Id, Job.Status, $"Job '{Job.Id}' is already {Job.Status}.");
        await ChangeAsync(job => JobLifecycle.Cancel(job, time.GetUtcNow()));
        Disarm();
        await admission.LeaveAsync(Job); // it may have been waiting for a slot
        return Snapshot();
    }

    async Task<JobState> IJobGrain.Retry()
    {
        EnsureExists();
        if (Job.Status is not (JobStatus.Failed or JobStatus.Cancelled))
            throw new JobConflictException(Job.Id, Job.Status, $"Job '{Job.Id}' is {Job.Status}: only Failed or Cancelled jobs can be retried.");
        await ChangeAsync(job => JobLifecycle.Retry(job, time.GetUtcNow()));
        var retried = Snapshot();
        Resume();
        return retried;
    }

    async Task<JobState?> IJobGrain.Watch()
    {
        if (!Visible.Exists) return Missing();
        if (!Job.Watched && !Job.Status.IsTerminal()) await ChangeAsync(job => { job.Watched = true; });
        return Snapshot();
    }

    async Task<JobState?> IJobGrain.WaitForCompletion(TimeSpan timeout)
    {
        if (!Visible.Exists) return Missing();
        if (!Visible.Status.IsTerminal())
        {
            if (_finished is null || _finished.Task.IsCompleted) // completed = a finish from before a manual retry
                _finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await Task.WhenAny(_finished.Task, Task.Delay(timeout, time));
        }
        return Snapshot();
    }

    async Task<JobStatus?> IJobGrain.AddDependent(string dependentId)
    {
        if (!Visible.Exists) return Missing()?.Status;
        await ChangeAsync(job =>
        {
            if (job.Status.IsTerminal() || job.Dependents.Contains(dependentId)) return false;
            job.Dependents.Add(dependentId);
            return true;
        });
        return Visible.Status; // a dependent told of an ending acts on it for good: only a stored one
    }

    async Task IJobGrain.DependencyFinished(string dependencyId, JobStatus status)
    {
        if (!Job.Exists) return;
        await ChangeAsync(job => JobDependencies.Apply(job, dependencyId, status, time.GetUtcNow()));
        Resume();
    }

    /// <summary>Activates the grain (recovering a lost attempt) and starts whatever is due but not running.</summary>
    async Task IJobGrain.Wake()
    {
        if (Job.Status.IsTerminal() && Job.CallbackPending)
        {
            await _gate.WaitAsync();
            try
            {
                if (Job.CallbackPending) await HandOverAsync();
            }
            finally
            {
                _gate.Release();
            }
        }
        else if (Job.CallbackPending)
        {
            await RegisterWithDependenciesAsync();
        }

        if (Job.Status == JobStatus.Running && _attempt is null or { IsCompleted: true })
        {
            // Stored as running, but not running here: the attempt ended without recording how (see RunAttemptsAsync).
            logger.LogWarning("Job {JobId} attempt {Attempt} is not running anywhere; recovering it", Job.Id, Job.Attempt);
            await RecordLostAttemptAsync("The attempt stopped without recording its outcome.");
        }
        Resume();
    }

    /// <summary>Starts or arms whatever the current status calls for.</summary>
    private void Resume()
    {
        switch (Job.Status)
        {
            case JobStatus.Queued:
                StartAttempt();
                break;
            case JobStatus.Scheduled when Job.DueAt is { } due:
                Arm(due);
                break;
        }
    }

    private bool IsSoon(DateTimeOffset? due) => due is { } d && d - time.GetUtcNow() <= options.Value.ArmAhead;

    private void Arm(DateTimeOffset due)
    {
        Disarm();
        if (!IsSoon(due)) return;
        var wait = due - time.GetUtcNow();
        _timer = this.RegisterGrainTimer(OnDueAsync, new GrainTimerCreationOptions(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            KeepAlive = true,
        });
    }

    private void Disarm()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private Task OnDueAsync(CancellationToken _)
    {
        Disarm();
        if (Job.DueAt is { } due && due > time.GetUtcNow())
        {
            Arm(due); // timers may fire a few milliseconds early: never start before the due time
            return Task.CompletedTask;
        }
        if (Job.Status == JobStatus.Scheduled)
        {
            // Due is not persisted: if this silo dies now, the row is still Scheduled and past due, and the sweeper wakes it.
            JobLifecycle.BecomeDue(Job, time.GetUtcNow());
            StartAttempt();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Starts the attempt loop, or, when it is still finishing an attempt, has it run another. The loop's last check and
    /// its end happen in one turn of this activation, so a request for an attempt is never lost between the two.
    /// </summary>
    private void StartAttempt()
    {
        if (_deactivating)
            _wakeAfterDeactivation = true;
        else if (_attempt is { IsCompleted: false })
            _runAgain = true;
        else
            _attempt = RunAttemptsAsync();
    }

    /// <summary>
    /// Runs attempts while the job is queued and something asked for one. An attempt whose state could not be recorded
    /// (another activation wrote the job meanwhile, or storage failed in a way that is not an outage) leaves this
    /// activation's state behind the stored one: it is dropped, and the next call (at the latest the sweeper's wake of
    /// a quiet job) loads the stored state and recovers the job from there.
    /// </summary>
    private async Task RunAttemptsAsync(AttemptHold? started = null)
    {
        while (true)
        {
            _runAgain = false;
            try
            {
                await (started is null ? RunAttemptAsync() : RunStartedAttemptAsync(started));
                started = null;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Job {JobId} could not record its attempt; reloading it from storage", Job.Id);
                DeactivateWhenIdle();
                return;
            }
            if (!_runAgain || Job.Status != JobStatus.Queued || runner.Draining) return; // draining: stays Queued for the restart
            if (_deactivating)
            {
                _wakeAfterDeactivation = true;
                return;
            }
        }
    }

    private async Task RunAttemptAsync()
    {
        if (runner.Draining) return; // stays Queued in storage; resumed after restart
        if (!await admission.EnterAsync(Job, _silo)) return; // waits Queued for a slot: its queue wakes it
        if (_deactivating)
        {
            // Admitted while this activation is going away: the fresh one OnDeactivateAsync wakes enters again.
            await admission.LeaveAsync(Job);
            _wakeAfterDeactivation = true;
            return;
        }
        // Created before the Running write so that a cancel arriving during that write is not lost.
        var cancellation = new CancellationTokenSource();
        _attemptCancellation = cancellation;
        _stopReason = StopReason.None;
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
                    _attemptCancellation = null;
                    await admission.LeaveAsync(Job);
                    return;
                }
                hold = Hold(cancellation, slot, spec, Job.Id, Job.Attempt + 1);
                await ChangeAsync(job =>
                {
                    if (job.Status != JobStatus.Queued) return false;
                    Begin(job, hold, time.GetUtcNow());
                    return true;
                }, untilSaved: true);
                if (Job.Status != JobStatus.Running)
                {
                    await admission.LeaveAsync(Job); // not started after all (cancelled meanwhile): the hold goes below
                    return;
                }
                MarkHandlerStart();
                handedOn = true;
            }
        }
        finally
        {
            if (!handedOn)
            {
                if (hold is null) cancellation.Dispose();
                else ReleaseUnstarted(hold);
            }
        }
        await RunStartedAttemptAsync(hold);
    }

    /// <summary>
    /// Runs the handler of an attempt already stored as Running (by <see cref="RunAttemptAsync"/>, or with the job's
    /// creation) and records its outcome; the hold is given back once that is written.
    /// </summary>
    private async Task RunStartedAttemptAsync(AttemptHold hold)
    {
        using var held = hold;
        var spec = Job.Spec!;
        var cancellation = hold.Cancellation;
        // Every log line of the attempt (the grain's and the handler's) carries these.
        var started = Job.Attempts[^1];
        using var logScope = logger.BeginScope(new AttemptLogScope(Job.Id, started.Number, Job.TraceId, spec.CorrelationId));
        // Current from here on (this method's own context), so that the handler's outbound calls carry the trace on.
        var span = hold.Span;
        if (span is not null) Activity.Current = span;
        metrics.AttemptStarted(spec, started);
        JobTelemetry.AttemptStarted(span, Job, started);
        logger.LogDebug("Job {JobId} attempt {Attempt} started", Job.Id, started.Number);
        _progress = new ProgressSlot(time);
        using var timeout = spec.Timeout is { } limit ? new CancellationTokenSource(limit, time) : null;
        using var onTimeout = timeout?.Token.Register(() => StopAttempt(StopReason.Timeout));
        using var tracked = runner.Track(Job.Id, () => StopAttempt(StopReason.Shutdown));
        using var keepAlive = this.RegisterGrainTimer(_ => Task.CompletedTask, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { Interleave = true, KeepAlive = true });

        _publishedProgress = null;
        var handlerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progressEvents = PublishProgressWhileRunningAsync(_progress, handlerDone.Task);

        var handler = runner.ExecuteAsync(Job, _progress, cancellation.Token);
        var (result, error) = await AwaitHandlerAsync(handler, cancellation.Token);
        _attemptCancellation = null;
        handlerDone.SetResult();
        await progressEvents;
        await PublishProgressAsync(); // the last report is never dropped
        var progress = _progress.Latest;

        await ChangeAsync(job =>
        {
            var now = time.GetUtcNow();
            job.Progress = progress ?? job.Progress;
            switch (_stopReason)
            {
                case StopReason.None when error is null:
                case StopReason.Cancel when error is null:
                    JobLifecycle.Succeed(job, now, result);
                    break;
                case StopReason.Cancel:
                    JobLifecycle.Cancel(job, now);
                    break;
                case StopReason.Shutdown:
                    JobLifecycle.Interrupt(job, now);
                    break;
                case StopReason.Timeout:
                    FailAttempt(job, AttemptOutcome.TimedOut, new JobError($"The attempt exceeded the job's timeout of {spec.Timeout}.", "Timeout"), retryable: true);
                    break;
                default:
                    FailAttempt(job, AttemptOutcome.Failed, new JobError(error!.Message, error.GetType().Name), error is not JobFailedException { Retryable: false });
                    break;
            }
        }, untilSaved: true);
        _progress = null;
        await admission.LeaveAsync(Job);
        var ended = Job.Attempts[^1];
        metrics.AttemptEnded(spec, ended.Outcome!.Value, ended.EndedAt - ended.StartedAt);
        JobTelemetry.AttemptEnded(span, Job, ended, error);
        logger.Log(ended.Outcome is AttemptOutcome.Succeeded ? LogLevel.Debug : LogLevel.Information,
            "Job {JobId} attempt {Attempt} ended {Outcome} after {Duration} ms", Job.Id, ended.Number, ended.Outcome, (ended.EndedAt - ended.StartedAt)?.TotalMilliseconds);
        if (Job.Status == JobStatus.Queued) _runAgain = true; // a lost or interrupted attempt: the loop goes on (or wakes a fresh activation)
        else if (Job.Status == JobStatus.Scheduled) Arm(Job.DueAt!.Value);
        // A finished job has nothing left to do here: its activation goes as soon as the calls waiting on it are
        // answered, rather than after Orleans' idle period, so a silo's memory holds the jobs in flight and not the
        // last quarter of an hour's (a later read activates it again from its row).
        else if (Job.Status.IsTerminal() && !Job.CallbackPending) DeactivateWhenIdle();
    }

    /// <summary>Waits for the handler; once it has been told to stop it gets a grace period, then it is abandoned.</summary>
    private async Task<(string? Result, Exception? Error)> AwaitHandlerAsync(Task<System.Text.Json.Nodes.JsonNode?> handler, CancellationToken stopped)
    {
        var abandon = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var grace = stopped.Register(() => _ = Task.Delay(options.Value.CancellationGracePeriod, time).ContinueWith(_ => abandon.TrySetResult(), TaskScheduler.Default));
        await Task.WhenAny(handler, abandon.Task);
        if (!handler.IsCompleted)
        {
            logger.LogWarning("Job {JobId} attempt {Attempt} ignored its cancellation for {Grace}; abandoning it", Job.Id, Job.Attempt, options.Value.CancellationGracePeriod);
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

    private void StopAttempt(StopReason reason)
    {
        if (_attemptCancellation is not { } cancellation) return;
        if (_stopReason == StopReason.None) _stopReason = reason;
        try { cancellation.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Closes the open attempt as <see cref="AttemptOutcome.Lost"/> and schedules the next one at once rather than after
    /// the backoff: the job did not fail, its runner did. It still counts against maxAttempts, so a job that brings its
    /// silo down cannot do so forever.
    /// </summary>
    private async Task RecordLostAttemptAsync(string reason)
    {
        await ChangeAsync(job => FailAttempt(job, AttemptOutcome.Lost, new JobError(reason, "Lost"), retryable: true, retryAt: time.GetUtcNow()), untilSaved: true);
        metrics.AttemptEnded(Job.Spec!, AttemptOutcome.Lost, ranFor: null);
    }

    private void FailAttempt(JobState job, AttemptOutcome outcome, JobError error, bool retryable, DateTimeOffset? retryAt = null)
    {
        var now = time.GetUtcNow();
        retryAt ??= BackoffPolicy.NextAttemptAt(job.Spec!.Retry, job.CountedAttempts, now, Random.Shared);
        JobLifecycle.Fail(job, now, outcome, error, retryable, retryAt.Value);
        if (job.Status == JobStatus.Failed)
            logger.LogWarning("Job {JobId} failed after {Attempts} attempts: {Error}", job.Id, job.CountedAttempts, error.Message);
    }

    private Task ChangeAsync(Action<JobState> change, bool untilSaved = false) => ChangeAsync(job => { change(job); return true; }, untilSaved);

    /// <summary>
    /// Applies a change and persists it, one change at a time. A change a caller asked for (<paramref name="untilSaved"/>
    /// false) fails fast when the write fails, and the in-memory state goes back to what is stored, so the caller can
    /// retry. A change the job itself makes (start, outcome, recovery) has no caller to retry it: it keeps retrying the
    /// write while the storage is unreachable, so a database outage delays it but never loses it.
    /// </summary>
    private async Task ChangeAsync(Func<JobState, bool> change, bool untilSaved = false)
    {
        await _gate.WaitAsync();
        try
        {
            var before = copier.Copy(Job);
            var (statusBefore, existedBefore) = (Job.Status, Job.Exists);
            if (!change(Job)) return;
            _stored = before;
            var statusChanged = Job.Status != statusBefore || !existedBefore;
            if (statusChanged) Job.Sequence++;
            // Owed in the same write that creates a job still to register with its dependencies, or that finishes a job.
            if (!existedBefore && JobDependencies.IsWaiting(Job)) Job.CallbackPending = true;
            var handOverDue = statusChanged && Job.Status.IsTerminal() && JobHandOver.IsOwed(Job);
            if (statusChanged && Job.Status.IsTerminal()) Job.CallbackPending = handOverDue;
            if (untilSaved)
            {
                await SaveUntilStoredAsync();
            }
            else
            {
                try
                {
                    await store.WriteStateAsync();
                }
                catch
                {
                    store.State = before;
                    throw;
                }
            }
            _stored = null;
            if (Job.Status.IsTerminal()) _finished?.TrySetResult();
            if (statusChanged && Job.Status.IsTerminal()) metrics.Completed(Job.Spec!, Job.Status);
            if (statusChanged && Job.Watched) await PublishAsync(JobEvent.Snapshot(Job));
            if (handOverDue) await HandOverAsync();
        }
        finally
        {
            _stored = null;
            _gate.Release();
        }
    }

    /// <summary>Returns once no change is being written (the next one may start right after).</summary>
    private async Task UntilStoredAsync()
    {
        if (_stored is null) return;
        await _gate.WaitAsync();
        _gate.Release();
    }

    /// <summary>
    /// Publishes progress as it is reported, at most once per <see cref="ProgressPublishPeriod"/>: a report that comes
    /// sooner waits out the rest of the period and goes out then (only the latest, if several came meanwhile). A handler
    /// reporting ten times a second or less thus has each report published at once.
    /// </summary>
    private async Task PublishProgressWhileRunningAsync(ProgressSlot slot, Task handlerDone)
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

    /// <summary>Publishes the latest progress report if it has not been published yet.</summary>
    private async Task PublishProgressAsync()
    {
        if (_progress?.Latest is not { } latest || ReferenceEquals(latest, _publishedProgress)) return;
        await _gate.WaitAsync();
        try
        {
            if (Job.Status != JobStatus.Running || ReferenceEquals(latest, _publishedProgress)) return;
            _publishedProgress = latest;
            Job.Sequence++;
            if (Job.Watched) await PublishAsync(new JobEvent(Job.Id, Job.Sequence, JobEventKind.Progress, Job.Status, latest.Percent, latest.Message, latest.UpdatedAt));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Sends an event to the job's stream. Events are for watchers: a failure to publish is logged, never a reason to
    /// fail the job (a watcher that reconnects gets the current state first anyway). Called under the gate, so events
    /// leave in sequence order.
    /// </summary>
    private async Task PublishAsync(JobEvent jobEvent)
    {
        try
        {
            _events ??= this.GetStreamProvider(JobStreams.Provider).GetStream<JobEvent>(StreamId.Create(JobStreams.Namespace, Job.Id));
            await _events.OnNextAsync(jobEvent);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not publish event {Sequence} of job {JobId}", jobEvent.Sequence, jobEvent.JobId);
        }
    }

    /// <summary>
    /// Hands the final state to its completion callback, batch and dependents (<see cref="JobHandOver"/>), then clears
    /// <see cref="JobState.CallbackPending"/>. Until that is stored, the sweeper finds the job and wakes it to hand over
    /// again (every receiver ignores a repeat), so a silo lost in between loses nothing. Called under the gate.
    /// </summary>
    private async Task HandOverAsync()
    {
        try
        {
            await JobHandOver.DeliverAsync(GrainFactory, copier.Copy(Job));
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not hand finished job {JobId} over; the sweeper tries again", Job.Id);
            return;
        }

        Job.CallbackPending = false;
        try
        {
            await store.WriteStateAsync();
        }
        catch (Exception ex)
        {
            Job.CallbackPending = true;
            logger.LogWarning(ex, "Job {JobId} handed over but could not record it; it will hand over again", Job.Id);
        }
    }

    /// <summary>
    /// Registers a waiting job with each of its dependencies (each answers at once if it has already ended), then
    /// clears <see cref="JobState.CallbackPending"/>; should a call fail, the sweeper wakes the job to register again.
    /// Not under the gate: a dependency may be telling this job about its ending meanwhile.
    /// </summary>
    private async Task RegisterWithDependenciesAsync()
    {
        try
        {
            foreach (var dependency in Job.Spec!.DependsOn ?? [])
            {
                if (!JobDependencies.IsWaiting(Job)) break;
                var status = await GrainFactory.GetGrain<IJobGrain>(dependency).AddDependent(Job.Id);
                if (status is null || status.Value.IsTerminal())
                    await ChangeAsync(job => JobDependencies.Apply(job, dependency, status, time.GetUtcNow()));
            }
            await ChangeAsync(job =>
            {
                if (!job.CallbackPending || job.Status.IsTerminal()) return false;
                job.CallbackPending = false;
                return true;
            });
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Job {JobId} could not register with its dependencies; the sweeper tries again", Job.Id);
        }
    }

    private async Task SaveUntilStoredAsync()
    {
        var failures = 0;
        for (var delay = TimeSpan.FromMilliseconds(200); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxSaveRetryDelay.Ticks)))
        {
            try
            {
                await store.WriteStateAsync();
                if (failures > 0) logger.LogInformation("Job {JobId} saved as {Status} after {Failures} failed attempts to save it", Job.Id, Job.Status, failures);
                return;
            }
            catch (InconsistentStateException) when (failures > 0)
            {
                // A write that failed on the way back may have committed all the same: then the stored row is ours.
                var mine = copier.Copy(Job);
                await store.ReadStateAsync();
                if (Job.Status == mine.Status && Job.Attempts.Count == mine.Attempts.Count && Job.UpdatedAt == mine.UpdatedAt) return;
                throw;
            }
            catch (Exception ex) when (IsStorageUnavailable(ex))
            {
                failures++;
                logger.LogWarning("Could not save job {JobId} as {Status} ({Error}); retrying in {Delay}", Job.Id, Job.Status, ex.Message, delay);
                await Task.Delay(delay, time);
            }
        }
    }

    private static readonly TimeSpan MaxSaveRetryDelay = TimeSpan.FromSeconds(5);

    private static bool IsStorageUnavailable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is JobServiceUnavailableException) return true;
        return false;
    }

    /// <summary>
    /// A copy of the stored state to answer with, taken now: an attempt started by this call changes the state before
    /// the answer leaves. A running attempt's live progress is shown at once and persisted with its outcome.
    /// </summary>
    private JobState Snapshot()
    {
        var copy = copier.Copy(Visible);
        if (_progress?.Latest is { } live && copy.Status == JobStatus.Running) copy.Progress = live;
        return copy;
    }

    private void EnsureExists()
    {
        if (Job.Exists) return;
        Missing();
        throw new JobNotFoundException(this.GetPrimaryKeyString());
    }

    /// <summary>
    /// Asked about a job that does not exist (or whose creation is not stored yet): answer, and do not keep an empty
    /// activation around.
    /// </summary>
    private JobState? Missing()
    {
        if (!_submitting) DeactivateWhenIdle(); // a job not stored yet exists in memory only while it is submitted
        return null;
    }

    /// <summary>What an attempt holds from just before its Running write until its outcome is written.</summary>
    private sealed class AttemptHold(CancellationTokenSource cancellation, IDisposable slot, Activity? span) : IDisposable
    {
        public CancellationTokenSource Cancellation { get; } = cancellation;
        public Activity? Span { get; } = span;

        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            Span?.Dispose();
            slot.Dispose();
            Cancellation.Dispose();
        }
    }
}
