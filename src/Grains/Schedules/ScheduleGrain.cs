using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace OrleansJobs.Schedules;

/// <summary>
/// One recurring schedule. While active it keeps a grain timer on its next occurrence (precise to the timer), and a
/// reminder of one minute stands behind it: after a restart or the loss of its silo the reminder (or the registry's
/// wake at silo start) brings it back, and <see cref="SchedulePlanner"/> decides what the missed time means. A fire is
/// stored as the schedule's <see cref="ScheduleState.Firing"/> occurrence before its job is submitted, under an id made of
/// the schedule and the occurrence, and cleared after: a fire cut short by a crash or a failure is finished by the next
/// tick, which finds the job if it was made, and no occurrence whose job exists is ever counted as missed. A manual
/// trigger is stored the same way (<see cref="ScheduleState.FiringTrigger"/>), so its job is counted once in
/// <see cref="ScheduleState.Fired"/> even when the trigger's call fails after the job was made.
/// </summary>
[GrainType("schedule")]
public sealed class ScheduleGrain(
    [PersistentState("schedule")] IPersistentState<ScheduleState> store,
    TimeProvider time,
    IOptions<JobServiceOptions> options,
    ILogger<ScheduleGrain> logger) : Grain, IScheduleGrain, IRemindable
{
    private const string ReminderName = "schedule";
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);
    /// <summary>The timer never sleeps longer than this: a long wait is re-armed, so clock or definition changes are seen.</summary>
    private static readonly TimeSpan MaxTimerWait = TimeSpan.FromMinutes(1);
    /// <summary>After a failed fire (storage or cluster trouble) the schedule tries again this soon.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(1);

    private ScheduleState State => store.State;
    private string Name => ScheduleKeys.Name(this.GetPrimaryKeyString());
    private SchedulePlanner Planner => new(time, options.Value.ScheduleMisfireTolerance, SchedulePlanner.DefaultWaitPoll);
    private CronSchedule? _cron;
    private IGrainTimer? _timer;
    /// <summary>
    /// Set by a failed write: the stored state is read again before the next step. A write that failed may have been stored
    /// after all (the ETag held here is then stale, and every later write would fail) or not (memory is then ahead of
    /// storage); either way, the stored state is the one to go on from, as it would be after a crash.
    /// </summary>
    private bool _reload;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Definition is { Paused: false })
        {
            logger.LogInformation("Schedule {Schedule} is active on this silo", Name);
            Arm(TimeSpan.Zero);
        }
        else if (State.Firing is not null)
            Arm(TimeSpan.Zero); // a paused schedule's trigger cut short: finished, and nothing else
        return Task.CompletedTask;
    }

    async Task<SchedulePutResult> IScheduleGrain.Put(ScheduleDefinition definition)
    {
        await ReloadIfNeededAsync();
        await FinishFiringAsync(); // under the definition it was decided with
        var now = time.GetUtcNow();
        var created = !State.Exists;
        if (created)
        {
            await GrainFactory.GetGrain<IScheduleRegistryGrain>(0).Add(Name); // listed before it exists: never an unlisted schedule
            store.State = new ScheduleState { Generation = now.UtcTicks, CreatedAt = now };
        }
        if (created || State.Definition!.Paused) logger.LogInformation("Schedule {Schedule} is active on this silo", Name);
        State.Definition = definition;
        State.Cursor = now;
        State.Waiting = null;
        State.UpdatedAt = now;
        _cron = null;
        await SaveAsync();
        await KeepAsync();
        return new SchedulePutResult(View(), created);
    }

    async Task<ScheduleView?> IScheduleGrain.Get()
    {
        await ReloadIfNeededAsync();
        return State.Exists ? View() : null;
    }

    async Task<bool> IScheduleGrain.Delete()
    {
        await ReloadIfNeededAsync();
        if (!State.Exists)
        {
            DeactivateOnIdle();
            return false;
        }
        await SaveAsync(clear: true);
        store.State = new ScheduleState();
        await KeepAsync();
        await GrainFactory.GetGrain<IScheduleRegistryGrain>(0).Remove(Name);
        DeactivateOnIdle();
        return true;
    }

    Task<ScheduleView> IScheduleGrain.Pause() => SetPausedAsync(true);

    Task<ScheduleView> IScheduleGrain.Resume() => SetPausedAsync(false);

    async Task<ScheduleTriggerResult> IScheduleGrain.Trigger()
    {
        await ReloadIfNeededAsync();
        EnsureExists();
        await FinishFiringAsync();
        // Stored before its job is submitted, as a fire is: a trigger cut short is finished by the timer, counted once.
        (State.Firing, State.FiringMissed, State.FiringTrigger) = (time.GetUtcNow(), 0, true);
        try
        {
            await SaveAsync();
            return new ScheduleTriggerResult((await FinishFiringAsync())!);
        }
        catch
        {
            Arm(RetryAfterFailure); // the caller sees the failure; the timer finishes what was stored of the trigger
            throw;
        }
    }

    Task IScheduleGrain.Wake()
    {
        if (!State.Exists) DeactivateOnIdle();
        return Task.CompletedTask;
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (State.Definition is { Paused: false }) return TickAsync();
        return KeepAsync(); // deleted or paused since: the reminder goes
    }

    private async Task<ScheduleView> SetPausedAsync(bool paused)
    {
        await ReloadIfNeededAsync();
        EnsureExists();
        await FinishFiringAsync(); // a paused schedule has no fire pending
        if (State.Definition!.Paused != paused)
        {
            var now = time.GetUtcNow();
            State.Definition = State.Definition with { Paused = paused };
            if (!paused) State.Cursor = now; // nothing of the paused time is caught up
            State.UpdatedAt = now;
            await SaveAsync();
            await KeepAsync();
        }
        return View();
    }

    /// <summary>Registers the reminder and arms the timer of a live schedule, or drops both.</summary>
    private async Task KeepAsync()
    {
        if (State.Definition is { Paused: false })
        {
            if (await this.GetReminder(ReminderName) is null)
                await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            Arm(TimeSpan.Zero);
        }
        else
        {
            _timer?.Dispose();
            _timer = null;
            if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
        }
    }

    private void Arm(TimeSpan wait)
    {
        _timer?.Dispose();
        if (wait < TimeSpan.Zero) wait = TimeSpan.Zero;
        // Not interleaved: a fire never runs alongside a Put, Pause or Delete of the same schedule.
        _timer = this.RegisterGrainTimer(_ => TickAsync(), new GrainTimerCreationOptions(wait < MaxTimerWait ? wait : MaxTimerWait, Timeout.InfiniteTimeSpan)
        {
            KeepAlive = true,
        });
    }

    private async Task TickAsync()
    {
        try
        {
            await ReloadIfNeededAsync();
            await FinishFiringAsync(); // one a crash or a failure cut short (a trigger's too): before anything is counted as missed
            if (State.Definition is not { Paused: false } definition) return;
            var decision = await Planner.DecideAsync(Cron(), definition, State.Cursor, State.Waiting, PreviousJobRunningAsync);
            var changed = decision.Cursor != State.Cursor || decision.Waiting != State.Waiting || decision.Skipped > 0 || decision.Fire is not null;
            if (decision.Skipped > 0)
                logger.LogInformation("Schedule {Schedule} skipped {Count} occurrences up to {Cursor}", Name, decision.Skipped, decision.Cursor);
            State.Cursor = decision.Cursor;
            State.Waiting = decision.Waiting;
            State.Skipped += decision.Skipped;
            (State.Firing, State.FiringMissed, State.FiringTrigger) = (decision.Fire, decision.Missed, false);
            if (changed) await SaveAsync();
            await FinishFiringAsync();
            if (decision.WakeAt is { } wakeAt) Arm(wakeAt - time.GetUtcNow());
        }
        catch (Exception ex)
        {
            // The job id is fixed by the occurrence, so finishing a fire after this failure cannot make a second job.
            logger.LogWarning(ex, "Schedule {Schedule} could not fire; trying again in {Delay}", Name, RetryAfterFailure);
            Arm(RetryAfterFailure);
        }
    }

    /// <summary>Writes (or clears) the stored state; a failure marks it to be read again (<see cref="_reload"/>).</summary>
    private async Task SaveAsync(bool clear = false)
    {
        try
        {
            await (clear ? store.ClearStateAsync() : store.WriteStateAsync());
        }
        catch
        {
            _reload = true;
            throw;
        }
    }

    /// <summary>Reads the stored state again after a failed write (<see cref="_reload"/>).</summary>
    private async Task ReloadIfNeededAsync()
    {
        if (!_reload) return;
        await store.ReadStateAsync();
        _cron = null;
        _reload = false;
    }

    /// <summary>Submits the job of the stored <see cref="ScheduleState.Firing"/> occurrence or trigger, if any, and records it.</summary>
    private async Task<JobState?> FinishFiringAsync()
    {
        if (State.Firing is not { } at) return null;
        var job = await SubmitAsync(at, State.FiringMissed, State.FiringTrigger);
        (State.Firing, State.FiringMissed, State.FiringTrigger) = (null, 0, false);
        await SaveAsync();
        return job;
    }

    private async ValueTask<bool> PreviousJobRunningAsync()
    {
        if (State.LastJobId is not { } previous) return false;
        var job = await GrainFactory.GetGrain<IJobGrain>(previous).Get();
        return job is not null && !job.Status.IsTerminal();
    }

    /// <summary>Submits the job of one occurrence (or of a manual trigger at <paramref name="at"/>) and records it in memory.</summary>
    private async Task<JobState> SubmitAsync(DateTimeOffset at, int missed, bool trigger)
    {
        var definition = State.Definition!;
        var occurrence = at.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var key = $"schedule:{Name}:{State.Generation}:{(trigger ? "trigger:" : "")}{occurrence}";
        var tags = new Dictionary<string, string>(definition.Job.Tags ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            ["schedule"] = Name,
            [trigger ? "triggeredAt" : "occurrence"] = occurrence,
        };
        if (missed > 0) tags["missedOccurrences"] = missed.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var id = JobIds.FromIdempotencyKey(key);
        var submitted = await GrainFactory.GetGrain<IJobGrain>(id).Submit(definition.Job with { IdempotencyKey = key, Tags = tags, RunAt = null });
        if (!submitted.Created) logger.LogInformation("Schedule {Schedule} found job {JobId} of {Occurrence} already submitted", Name, id, occurrence);
        else if (missed > 0) logger.LogInformation("Schedule {Schedule} fired job {JobId} once for {Missed} missed occurrences up to {Occurrence}", Name, id, missed, occurrence);
        State.LastOccurrence = at;
        State.LastFiredAt = time.GetUtcNow();
        State.LastJobId = id;
        State.RecentJobIds.Remove(id);
        State.RecentJobIds.Insert(0, id);
        if (State.RecentJobIds.Count > ScheduleState.RecentJobsKept)
            State.RecentJobIds.RemoveRange(ScheduleState.RecentJobsKept, State.RecentJobIds.Count - ScheduleState.RecentJobsKept);
        State.Fired++;
        return submitted.Job;
    }

    private CronSchedule Cron() => _cron ??= CronSchedule.Create(State.Definition!.Cron, State.Definition.TimeZone);

    private ScheduleView View()
    {
        var from = State.Cursor > time.GetUtcNow() ? State.Cursor : time.GetUtcNow();
        return new ScheduleView(Name, State.Definition!, State.LastOccurrence, State.LastFiredAt, State.LastJobId, State.Waiting,
            State.Fired, State.Skipped, Cron().Next(from, 5), State.CreatedAt, State.UpdatedAt, [.. State.RecentJobIds]);
    }

    private void EnsureExists()
    {
        if (State.Exists) return;
        DeactivateOnIdle();
        throw new ScheduleNotFoundException(Name);
    }
}
