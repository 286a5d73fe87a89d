namespace OrleansJobs.Schedules;

/// <summary>
/// The rules of a schedule, apart from any grain: given how far it has got and the clock, which occurrence fires.
/// <list type="bullet">
/// <item>An occurrence is on time when it is the only one due and at most <see cref="MisfireTolerance"/> late; it fires.</item>
/// <item>Otherwise the schedule misfired (its silos were down or stalled): <see cref="MisfirePolicy.FireOnce"/> fires one
/// catch-up job for the latest due occurrence, standing for all of them; <see cref="MisfirePolicy.Skip"/> drops them.</item>
/// <item>Then overlap: while the previous job is not terminal, <see cref="OverlapPolicy.Skip"/> drops the occurrence and
/// <see cref="OverlapPolicy.Wait"/> holds it until the previous job is terminal (checked every <see cref="WaitPoll"/>);
/// occurrences that come due while one waits are dropped, so at most one waits.</item>
/// <item>A paused schedule decides nothing; on resume it starts from the next occurrence after the resume.</item>
/// </list>
/// </summary>
public sealed class SchedulePlanner(TimeProvider time, TimeSpan misfireTolerance, TimeSpan waitPoll)
{
    public static readonly TimeSpan DefaultMisfireTolerance = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultWaitPoll = TimeSpan.FromSeconds(1);

    public TimeSpan MisfireTolerance => misfireTolerance;
    public TimeSpan WaitPoll => waitPoll;

    /// <summary>Whether <c>Decide</c> needs to know if the previous job still runs: an occurrence is due or waiting, and overlap matters.</summary>
    public bool NeedsPreviousJob(CronSchedule cron, ScheduleDefinition definition, DateTimeOffset cursor, DateTimeOffset? waiting) =>
        NeedsPreviousJob(cron, definition, cursor, waiting, time.GetUtcNow());

    public ScheduleDecision Decide(CronSchedule cron, ScheduleDefinition definition, DateTimeOffset cursor, DateTimeOffset? waiting, bool previousRunning) =>
        Decide(cron, definition, cursor, waiting, previousRunning, time.GetUtcNow());

    /// <summary>
    /// Decides from one reading of the clock, asking <paramref name="previousRunning"/> only when the answer matters. Two
    /// readings could straddle an occurrence: "nothing due, no need to ask" and then "due, fire", which would start a job
    /// beside one still running under <see cref="OverlapPolicy.Skip"/> or <see cref="OverlapPolicy.Wait"/>.
    /// </summary>
    public async ValueTask<ScheduleDecision> DecideAsync(CronSchedule cron, ScheduleDefinition definition, DateTimeOffset cursor, DateTimeOffset? waiting,
        Func<ValueTask<bool>> previousRunning)
    {
        var now = time.GetUtcNow();
        var running = NeedsPreviousJob(cron, definition, cursor, waiting, now) && await previousRunning();
        return Decide(cron, definition, cursor, waiting, running, now);
    }

    private static bool NeedsPreviousJob(CronSchedule cron, ScheduleDefinition definition, DateTimeOffset cursor, DateTimeOffset? waiting, DateTimeOffset now) =>
        definition is { Paused: false, Overlap: not OverlapPolicy.Allow } && (waiting is not null || cron.Next(cursor) <= now);

    private ScheduleDecision Decide(CronSchedule cron, ScheduleDefinition definition, DateTimeOffset cursor, DateTimeOffset? waiting, bool previousRunning,
        DateTimeOffset now)
    {
        if (definition.Paused) return new ScheduleDecision(null, 0, cursor, waiting, 0, null);
        var (due, latest) = cron.Due(cursor, now);

        DateTimeOffset? candidate = null;
        var (missed, skipped) = (0, 0);
        if (waiting is not null)
        {
            candidate = waiting;
            skipped = due;
        }
        else if (latest is { } last)
        {
            var onTime = due == 1 && now - last <= misfireTolerance;
            if (onTime || definition.Misfire == MisfirePolicy.FireOnce)
                (candidate, missed) = (last, onTime ? 0 : due);
            else
                skipped = due;
        }

        DateTimeOffset? fire = null, stillWaiting = null;
        if (candidate is { } occurrence)
        {
            if (!previousRunning || definition.Overlap == OverlapPolicy.Allow) fire = occurrence;
            else if (definition.Overlap == OverlapPolicy.Wait) stillWaiting = occurrence;
            else skipped++;
        }

        var newCursor = latest ?? cursor;
        var wakeAt = stillWaiting is not null ? now + waitPoll : cron.Next(newCursor);
        return new ScheduleDecision(fire, fire is null ? 0 : missed, newCursor, stillWaiting, skipped, wakeAt);
    }
}
