using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Streams;
using OrleansJobs.Handlers;
using OrleansJobs.Placement;
using OrleansJobs.Queues;
using OrleansJobs.Telemetry;
using OrleansJobs.Workers;

namespace OrleansJobs.Jobs;

/// <summary>
/// One job: the calls it answers. Each call changes the state through <see cref="JobLifecycle"/> and has
/// <see cref="JobStateWriter"/> store it before it answers; attempts run in <see cref="AttemptLoop"/>; events go out
/// through <see cref="JobEventPublisher"/>. The grain stays active while it has work in the near future; the sweeper
/// wakes it for later work and after its silo dies (see <see cref="JobSweeperGrain"/>).
/// </summary>
[GrainType("job"), JobPlacement]
public sealed partial class JobGrain : Grain, IJobGrain
{
    public const string StorageName = "jobs";

    private readonly JobStateWriter _writer;
    private readonly JobEventPublisher _events;
    private readonly AttemptLoop _attempts;
    private readonly DueTimer _due;
    private readonly JobHandOverSender _handOver;
    private readonly LeaseKeeper _leases;
    private readonly ExternalJobTypes _external;
    private readonly JobRunner _runner;
    private readonly QueueAdmission _admission;
    private readonly JobHandlerRegistry _handlers;
    private readonly JobTypeCatalog _catalog;
    private readonly JobMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly DeepCopier<JobState> _copier;
    private readonly ILogger<JobGrain> _logger;

    /// <summary>Set while a submit is being carried out: a read meanwhile finds no job, but must not deactivate it.</summary>
    private bool _submitting;
    private TaskCompletionSource? _finished;

    public JobGrain(
        [PersistentState("job", StorageName)] IPersistentState<JobState> store,
        JobRunner runner,
        QueueAdmission admission,
        JobHandlerRegistry handlers,
        JobTypeCatalog catalog,
        ExternalJobTypes external,
        JobMetrics metrics,
        TimeProvider time,
        IOptions<JobServiceOptions> options,
        ILocalSiloDetails silo,
        DeepCopier<JobState> copier,
        ILogger<JobGrain> logger)
    {
        (_runner, _admission, _handlers, _catalog, _external, _metrics, _time, _copier, _logger) = (runner, admission, handlers, catalog, external, metrics, time, copier, logger);
        _writer = new JobStateWriter(store, copier, time, logger, AfterStoredAsync);
        _events = new JobEventPublisher(_writer, OpenStream, time, logger);
        _handOver = new JobHandOverSender(GrainFactory, _writer, copier, time, logger);
        _due = new DueTimer(this, time, options, OnDueAsync);
        _attempts = new AttemptLoop(this, _writer, _events, runner, admission, metrics, time, options,
            silo.SiloAddress.ToParsableString(), logger, _due.Arm, DeactivateWhenIdle);
        _leases = new LeaseKeeper(this, _writer, _events, admission, metrics, time, silo.SiloAddress.ToParsableString(), logger, AfterLeaseEnded);
    }

    private JobState Job => _writer.Job;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!Job.Exists) return;
        if (Job.Status == JobStatus.Running && _leases.Holds)
        {
            // A worker outside the cluster holds the attempt: it goes on, under the lease stored with it.
            JobLifecycle.SkipUnrecordedEvents(Job, _time.GetUtcNow(), JobEventPublisher.MinProgressGap);
            _leases.Watch();
        }
        else if (Job.Status == JobStatus.Running)
        {
            // A fresh activation never has a handler running: the silo that ran this attempt is gone.
            _logger.LogWarning("Job {JobId} attempt {Attempt} was lost with its silo; recovering it", Job.Id, Job.Attempt);
            JobLifecycle.SkipUnrecordedEvents(Job, _time.GetUtcNow(), JobEventPublisher.MinProgressGap);
            await RecordLostAttemptAsync("The silo running this attempt stopped unexpectedly.");
        }
        Resume();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        var gaveUp = await _attempts.CloseAsync(reason, cancellationToken);
        // Work this activation gave up on goes on in a fresh one (the call is queued until this one is gone).
        if (gaveUp && Job.Exists && Job.Status == JobStatus.Queued && !_runner.Draining)
            _ = GrainFactory.GetGrain<IJobGrain>(Job.Id).Wake();
    }

    async Task<SubmitResult> IJobGrain.Submit(JobSpec spec)
    {
        if (Job.Exists) return new SubmitResult(Snapshot(), Created: false);
        if (_runner.Draining) throw new JobServiceUnavailableException("The silo is shutting down.");
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
        var hold = _handlers.IsKnown(spec.Type) ? await _attempts.TryHoldAtOnceAsync(spec, this.GetPrimaryKeyString()) : null;
        try
        {
            await _writer.ChangeAsync(job =>
            {
                var now = _time.GetUtcNow();
                JobLifecycle.Create(job, this.GetPrimaryKeyString(), spec, now);
                if (hold is not null && job.Status == JobStatus.Queued && !JobDependencies.IsWaiting(job))
                    _attempts.Begin(job, hold, now);
            });
        }
        catch
        {
            _attempts.Release(hold);
            throw;
        }
        _metrics.Submitted(spec);
        var started = _attempts.Started(hold);
        if (Job.HandOverPending) await _handOver.RegisterWithDependenciesAsync();
        var submitted = Snapshot();
        if (started is not null) _attempts.RunBegun(started);
        else Resume();
        if (Job.Status == JobStatus.Scheduled && !_due.IsSoon(Job.DueAt)) DeactivateWhenIdle();
        return new SubmitResult(submitted, Created: true);
    }

    Task<JobState?> IJobGrain.Get() => Task.FromResult(_writer.Visible.Exists ? Snapshot() : NotFound());

    async Task<JobState> IJobGrain.Cancel()
    {
        EnsureExists();
        await _writer.UntilStoredAsync(); // an outcome on its way decides between cancelling and "already finished"
        if (_leases.Holds)
        {
            await _leases.RequestStopAsync(AttemptStopReason.Cancel); // the worker stops at its next heartbeat
            return Snapshot();
        }
        if (Job.Status == JobStatus.Running && _attempts.Loop is { } loop)
        {
            _attempts.Stop(AttemptStopReason.Cancel);
            await loop;
            if (Job.Status.IsTerminal()) return Snapshot();
        }
        if (Job.Status.IsTerminal())
            throw new JobConflictException(Job.Id, Job.Status, $"Job '{Job.Id}' is already {Job.Status}.");
        await _writer.ChangeAsync(job => JobLifecycle.Cancel(job, _time.GetUtcNow()));
        _due.Disarm();
        await _admission.LeaveAsync(Job); // it may have been waiting for a slot
        return Snapshot();
    }

    async Task<JobState> IJobGrain.Retry()
    {
        EnsureExists();
        if (Job.Status is not (JobStatus.Failed or JobStatus.Cancelled))
            throw new JobConflictException(Job.Id, Job.Status, $"Job '{Job.Id}' is {Job.Status}: only Failed or Cancelled jobs can be retried.");
        await _writer.ChangeAsync(job => JobLifecycle.Retry(job, _time.GetUtcNow()));
        var retried = Snapshot();
        Resume();
        return retried;
    }

    async Task<JobState?> IJobGrain.Watch()
    {
        if (!_writer.Visible.Exists) return NotFound();
        if (JobLifecycle.IsUnwatched(Job)) await _writer.ChangeAsync(JobLifecycle.Watch);
        return Snapshot();
    }

    async Task<JobState?> IJobGrain.WaitForCompletion(TimeSpan timeout)
    {
        if (!_writer.Visible.Exists) return NotFound();
        if (!_writer.Visible.Status.IsTerminal())
        {
            if (_finished is null || _finished.Task.IsCompleted) // completed = a finish from before a manual retry
                _finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await Task.WhenAny(_finished.Task, Task.Delay(timeout, _time));
        }
        return Snapshot();
    }

    async Task<JobStatus?> IJobGrain.AddDependent(string dependentId)
    {
        if (!_writer.Visible.Exists) return NotFound()?.Status;
        await _writer.ChangeAsync(job => JobLifecycle.AddDependent(job, dependentId));
        return _writer.Visible.Status; // a dependent told of an ending acts on it for good: only a stored one
    }

    async Task IJobGrain.DependencyFinished(string dependencyId, JobStatus status)
    {
        if (!Job.Exists) return;
        await _writer.ChangeAsync(job => JobDependencies.Apply(job, dependencyId, status, _time.GetUtcNow()));
        Resume();
    }

    Task IJobGrain.Forget()
    {
        if (!Job.Exists || Job.Status.IsTerminal()) DeactivateWhenIdle();
        return Task.CompletedTask;
    }

    /// <summary>Activates the grain (recovering a lost attempt) and starts whatever is due but not running.</summary>
    async Task IJobGrain.Wake()
    {
        if (Job.Status.IsTerminal() && Job.HandOverPending)
            await _writer.InTurnAsync(async () => { if (Job.HandOverPending) await _handOver.HandOverAsync(); });
        else if (Job.HandOverPending)
            await _handOver.RegisterWithDependenciesAsync();

        if (Job.Status == JobStatus.Running && !_attempts.IsRunning && !_leases.Holds)
        {
            // Stored as running, but not running here: the attempt ended without recording how (see AttemptLoop).
            _logger.LogWarning("Job {JobId} attempt {Attempt} is not running anywhere; recovering it", Job.Id, Job.Attempt);
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
                RequestAttempt();
                break;
            case JobStatus.Scheduled when Job.DueAt is { } due:
                _due.Arm(due);
                break;
        }
    }

    /// <summary>
    /// Asks for an attempt, here if this silo has the job's handler. An activation on a silo without it (woken by the
    /// sweeper or a queue, which do not know the type) never starts one: it moves to a live silo that serves the type,
    /// by migration with the type as placement hint, or when none does, goes to sleep and lets the sweeper's check of
    /// quiet jobs wake it again later, by which time a silo that serves it may have joined.
    /// </summary>
    private void RequestAttempt()
    {
        var type = Job.Spec!.Type;
        if (_external.Contains(type)) OfferToWorkers();
        else if (_handlers.IsKnown(type)) _attempts.Request();
        else if (!_attempts.State.Closing) MoveToServingSilo(type);
    }

    private void MoveToServingSilo(string type)
    {
        if (_catalog.SilosServing(type).Count == 0)
        {
            _logger.LogWarning("Job {JobId} waits: no live silo serves job type {JobType}", Job.Id, type);
            DeactivateWhenIdle();
            return;
        }
        _logger.LogInformation("Job {JobId} moves to a silo that serves job type {JobType}", Job.Id, type);
        _attempts.State.Close();
        using (JobTypeHint.Set(Job.Id, type)) MigrateOnIdle();
    }

    /// <summary>
    /// Asks Orleans to deactivate this activation once the calls it is serving are answered. From here on it starts no
    /// attempt: a call answered meanwhile that makes the job runnable again (a retry that races a finished job's
    /// deactivation) is carried out by a fresh activation, which <see cref="OnDeactivateAsync"/> wakes.
    /// </summary>
    private void DeactivateWhenIdle()
    {
        _attempts.State.Close();
        DeactivateOnIdle();
    }

    private Task OnDueAsync()
    {
        if (Job.DueAt is { } due && due > _time.GetUtcNow())
        {
            _due.Arm(due); // timers may fire a few milliseconds early: never start before the due time
            return Task.CompletedTask;
        }
        if (Job.Status == JobStatus.Scheduled)
        {
            // Due is not persisted: if this silo dies now, the row is still Scheduled and past due, and the sweeper wakes it.
            JobLifecycle.BecomeDue(Job, _time.GetUtcNow());
            RequestAttempt();
        }
        return Task.CompletedTask;
    }

    /// <summary>Records the open attempt as lost (<see cref="JobLifecycle.LoseAttempt"/>) and retries it under its policy.</summary>
    private async Task RecordLostAttemptAsync(string reason)
    {
        await _writer.ChangeAsync(job => JobLifecycle.LoseAttempt(job, _time.GetUtcNow(), reason), untilSaved: true);
        if (Job.Status == JobStatus.Failed)
            _logger.LogWarning("Job {JobId} failed after {Attempts} attempts: {Error}", Job.Id, Job.CountedAttempts, reason);
        _metrics.AttemptEnded(Job.Spec!, AttemptOutcome.Lost, ranFor: null);
    }

    /// <summary>What a stored change brings about, in turn with the changes (so events leave in sequence order).</summary>
    private async Task AfterStoredAsync(JobChange change)
    {
        if (Job.Status.IsTerminal()) _finished?.TrySetResult();
        if (change.Finished) _metrics.Completed(Job.Spec!, Job.Status);
        if (change.StatusChanged && Job.Watched) await _events.PublishAsync(JobEvent.Snapshot(Job));
        if (change.HandOverDue) await _handOver.HandOverAsync();
    }

    private IAsyncStream<JobEvent> OpenStream() =>
        this.GetStreamProvider(JobStreams.Provider).GetStream<JobEvent>(StreamId.Create(JobStreams.Namespace, Job.Id));

    /// <summary>
    /// A copy of the stored state to answer with, taken now: an attempt started by this call changes the state before
    /// the answer leaves. A running attempt's live progress is shown at once and persisted with its outcome.
    /// </summary>
    private JobState Snapshot()
    {
        var copy = _copier.Copy(_writer.Visible);
        if (_events.Progress?.Latest is { } live && copy.Status == JobStatus.Running) copy.Progress = live;
        return copy;
    }

    private void EnsureExists()
    {
        if (Job.Exists) return;
        NotFound();
        throw new JobNotFoundException(this.GetPrimaryKeyString());
    }

    /// <summary>
    /// The answer to a call about a job that does not exist (or whose creation is not stored yet): null, and the empty
    /// activation is let go, as nothing keeps it (a job not stored yet exists in memory only while it is submitted).
    /// </summary>
    private JobState? NotFound()
    {
        if (!_submitting) DeactivateWhenIdle();
        return null;
    }
}
