using Microsoft.Extensions.Time.Testing;
using OrleansJobs.Jobs;
using OrleansJobs.Schedules;

namespace OrleansJobs.Tests.Grains.Schedules;

/// <summary>Cron math (Cronos, in IANA zones, across DST changes) and the misfire and overlap rules, on a fake clock.</summary>
[Trait("Kind", "Unit")]
public sealed class SchedulePlannerTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(Utc("2026-06-01T12:00:00"));
    private SchedulePlanner Planner => new(_time, Tolerance, Poll);

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text + "Z", System.Globalization.CultureInfo.InvariantCulture);

    private static ScheduleDefinition Definition(string cron, string zone = "UTC", MisfirePolicy misfire = MisfirePolicy.FireOnce, OverlapPolicy overlap = OverlapPolicy.Allow) =>
        new() { Cron = cron, TimeZone = zone, Job = new JobSpec { Type = "noop" }, JobJson = "{\"type\":\"noop\"}", Misfire = misfire, Overlap = overlap };

    /// <summary>Runs a schedule from <paramref name="start"/> to <paramref name="end"/>, waking exactly when it asks, and returns what it fired.</summary>
    private static List<DateTimeOffset> Run(ScheduleDefinition definition, DateTimeOffset start, DateTimeOffset end)
    {
        var cron = CronSchedule.Create(definition.Cron, definition.TimeZone);
        var time = new FakeTimeProvider(start);
        var planner = new SchedulePlanner(time, Tolerance, Poll);
        var (cursor, fired) = (start, new List<DateTimeOffset>());
        while (true)
        {
            var decision = planner.Decide(cron, definition, cursor, null, previousRunning: false);
            if (decision.Fire is { } fire)
            {
                Assert.Equal(0, decision.Missed); // woken exactly on time: never a misfire
                fired.Add(fire);
            }
            cursor = decision.Cursor;
            if (decision.WakeAt is not { } wake || wake > end) return fired;
            time.SetUtcNow(wake);
        }
    }

    [Fact]
    public void Seconds_field_is_detected_from_six_fields()
    {
        var cron = CronSchedule.Create("*/10 * * * * *", "UTC");

        Assert.Equal([Utc("2026-06-01T12:00:10"), Utc("2026-06-01T12:00:20"), Utc("2026-06-01T12:00:30")], cron.Next(Utc("2026-06-01T12:00:00"), 3));
    }

    [Theory]
    [InlineData("* * * *", "UTC", "cron")]
    [InlineData("61 * * * *", "UTC", "cron")]
    [InlineData("0 0 30 2 *", "UTC", "cron")]
    [InlineData("0 * * * *", "Mars/Olympus_Mons", "timeZone")]
    public void Bad_cron_or_time_zone_is_refused_with_the_field_at_fault(string cron, string zone, string field)
    {
        Assert.False(CronSchedule.TryCreate(cron, zone, out _, out var error, out var at));
        Assert.Equal(field, at);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Berlin_spring_forward_moves_the_occurrence_in_the_gap_to_the_first_valid_time()
    {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST; 02:30 does not exist that day.
        var fired = Run(Definition("30 2 * * *", "Europe/Berlin"), Utc("2026-03-27T12:00:00"), Utc("2026-03-31T00:00:00"));

        Assert.Equal([Utc("2026-03-28T01:30:00"), Utc("2026-03-29T01:00:00"), Utc("2026-03-30T00:30:00")], fired);
    }

    [Fact]
    public void Berlin_fall_back_fires_a_fixed_time_once_and_an_interval_in_both_hours()
    {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00-02:59 happens twice.
        var daily = Run(Definition("30 2 * * *", "Europe/Berlin"), Utc("2026-10-24T12:00:00"), Utc("2026-10-26T12:00:00"));
        Assert.Equal([Utc("2026-10-25T00:30:00"), Utc("2026-10-26T01:30:00")], daily);

        var halfHourly = Run(Definition("*/30 * * * *", "Europe/Berlin"), Utc("2026-10-24T23:59:00"), Utc("2026-10-25T02:00:00"));
        Assert.Equal([Utc("2026-10-25T00:00:00"), Utc("2026-10-25T00:30:00"), Utc("2026-10-25T01:00:00"), Utc("2026-10-25T01:30:00"), Utc("2026-10-25T02:00:00")], halfHourly);
    }

    [Fact]
    public void New_York_spring_forward_moves_the_occurrence_in_the_gap_to_the_first_valid_time()
    {
        // 2026-03-08: 02:00 EST becomes 03:00 EDT.
        var fired = Run(Definition("30 2 * * *", "America/New_York"), Utc("2026-03-06T12:00:00"), Utc("2026-03-10T00:00:00"));

        Assert.Equal([Utc("2026-03-07T07:30:00"), Utc("2026-03-08T07:00:00"), Utc("2026-03-09T06:30:00")], fired);
    }

    [Fact]
    public void New_York_fall_back_fires_a_fixed_time_in_the_repeated_hour_once()
    {
        // 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 happens at 05:30Z and again at 06:30Z.
        var fired = Run(Definition("30 1 * * *", "America/New_York"), Utc("2026-10-31T12:00:00"), Utc("2026-11-02T12:00:00"));

        Assert.Equal([Utc("2026-11-01T05:30:00"), Utc("2026-11-02T06:30:00")], fired);
    }

    [Fact]
    public void On_time_occurrence_fires_whatever_the_misfire_policy()
    {
        var cron = CronSchedule.Create("* * * * *", "UTC");
        foreach (var misfire in Enum.GetValues<MisfirePolicy>())
        {
            _time.SetUtcNow(Utc("2026-06-01T12:01:00.250"));
            var decision = Planner.Decide(cron, Definition("* * * * *", misfire: misfire), Utc("2026-06-01T12:00:00"), null, false);

            Assert.Equal(new ScheduleDecision(Utc("2026-06-01T12:01:00"), 0, Utc("2026-06-01T12:01:00"), null, 0, Utc("2026-06-01T12:02:00")), decision);
        }
    }

    [Fact]
    public void Misfire_fire_once_fires_one_catch_up_job_for_everything_missed()
    {
        var cron = CronSchedule.Create("* * * * *", "UTC");
        _time.SetUtcNow(Utc("2026-06-01T12:10:30"));

        var decision = Planner.Decide(cron, Definition("* * * * *", misfire: MisfirePolicy.FireOnce), Utc("2026-06-01T12:00:00"), null, false);

        Assert.Equal(new ScheduleDecision(Utc("2026-06-01T12:10:00"), 10, Utc("2026-06-01T12:10:00"), null, 0, Utc("2026-06-01T12:11:00")), decision);
    }

    [Fact]
    public void Misfire_skip_drops_everything_missed_and_goes_on_with_the_next_occurrence()
    {
        var cron = CronSchedule.Create("* * * * *", "UTC");
        _time.SetUtcNow(Utc("2026-06-01T12:10:30"));

        var decision = Planner.Decide(cron, Definition("* * * * *", misfire: MisfirePolicy.Skip), Utc("2026-06-01T12:00:00"), null, false);

        Assert.Equal(new ScheduleDecision(null, 0, Utc("2026-06-01T12:10:00"), null, 10, Utc("2026-06-01T12:11:00")), decision);
    }

    [Fact]
    public void A_single_occurrence_later_than_the_tolerance_is_a_misfire()
    {
        var cron = CronSchedule.Create("0 * * * *", "UTC");
        _time.SetUtcNow(Utc("2026-06-01T13:00:00") + Tolerance + TimeSpan.FromSeconds(1));

        var skip = Planner.Decide(cron, Definition("0 * * * *", misfire: MisfirePolicy.Skip), Utc("2026-06-01T12:00:00"), null, false);
        var once = Planner.Decide(cron, Definition("0 * * * *", misfire: MisfirePolicy.FireOnce), Utc("2026-06-01T12:00:00"), null, false);

        Assert.Equal((null, 1), (skip.Fire, skip.Skipped));
        Assert.Equal((Utc("2026-06-01T13:00:00"), 1), (once.Fire, once.Missed));
    }

    [Fact]
    public void Overlap_allow_fires_while_the_previous_job_runs()
    {
        var cron = CronSchedule.Create("* * * * *", "UTC");
        _time.SetUtcNow(Utc("2026-06-01T12:01:00"));

        var decision = Planner.Decide(cron, Definition("* * * * *", overlap: OverlapPolicy.Allow), Utc("2026-06-01T12:00:00"), null, previousRunning: true);

        Assert.Equal(Utc("2026-06-01T12:01:00"), decision.Fire);
        Assert.False(Planner.NeedsPreviousJob(cron, Definition("* * * * *", overlap: OverlapPolicy.Allow), Utc("2026-06-01T12:00:00"), null));
    }

    [Fact]
    public void Overlap_skip_drops_the_occurrence_while_the_previous_job_runs()
    {
        var cron = CronSchedule.Create("* * * * *", "UTC");
        var definition = Definition("* * * * *", overlap: OverlapPolicy.Skip);
        _time.SetUtcNow(Utc("2026-06-01T12:01:00"));

        Assert.True(Planner.NeedsPreviousJob(cron, definition, Utc("2026-06-01T12:00:00"), null));
        var running = Planner.Decide(cron, definition, Utc("2026-06-01T12:00:00"), null, previousRunning: true);
        Assert.Equal(new ScheduleDecision(null, 0, Utc("2026-06-01T12:01:00"), null, 1, Utc("2026-06-01T12:02:00")), running);

        _time.SetUtcNow(Utc("2026-06-01T12:02:00"));
        var finished = Planner.Decide(cron, definition, running.Cursor, null, previousRunning: false);
        Assert.Equal(Utc("2026-06-01T12:02:00"), finished.Fire);
    }

    [Fact]
    public void Overlap_wait_holds_one_occurrence_until_the_previous_job_is_terminal()
    {
        var cron = CronSchedule.Create("* * * * *", "UTC");
        var definition = Definition("* * * * *", overlap: OverlapPolicy.Wait);
        _time.SetUtcNow(Utc("2026-06-01T12:01:00"));

        var held = Planner.Decide(cron, definition, Utc("2026-06-01T12:00:00"), null, previousRunning: true);
        Assert.Equal(new ScheduleDecision(null, 0, Utc("2026-06-01T12:01:00"), Utc("2026-06-01T12:01:00"), 0, Utc("2026-06-01T12:01:01")), held);

        // The next occurrence comes due while one waits: it is dropped, the waiting one stays.
        _time.SetUtcNow(Utc("2026-06-01T12:02:00.500"));
        Assert.True(Planner.NeedsPreviousJob(cron, definition, held.Cursor, held.Waiting));
        var still = Planner.Decide(cron, definition, held.Cursor, held.Waiting, previousRunning: true);
        Assert.Equal(new ScheduleDecision(null, 0, Utc("2026-06-01T12:02:00"), Utc("2026-06-01T12:01:00"), 1, Utc("2026-06-01T12:02:01.500")), still);

        // The previous job finished: the waiting occurrence fires, under its own time.
        _time.SetUtcNow(Utc("2026-06-01T12:02:40"));
        var fired = Planner.Decide(cron, definition, still.Cursor, still.Waiting, previousRunning: false);
        Assert.Equal(new ScheduleDecision(Utc("2026-06-01T12:01:00"), 0, Utc("2026-06-01T12:02:00"), null, 0, Utc("2026-06-01T12:03:00")), fired);
    }

    [Theory]
    [InlineData(OverlapPolicy.Skip)]
    [InlineData(OverlapPolicy.Wait)]
    public async Task An_occurrence_that_comes_due_during_a_decision_never_fires_beside_a_running_job(OverlapPolicy overlap)
    {
        // A timer woken a hair early: every reading of this clock is 1 ms later than the one before, so a second
        // reading inside the decision would see the 12:01:00 occurrence due that the first one did not.
        var time = new FakeTimeProvider(Utc("2026-06-01T12:00:59.9995")) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) };
        var planner = new SchedulePlanner(time, Tolerance, Poll);
        var cron = CronSchedule.Create("* * * * *", "UTC");
        var asked = 0;

        var decision = await planner.DecideAsync(cron, Definition("* * * * *", overlap: overlap), Utc("2026-06-01T12:00:00"), null,
            () => { asked++; return ValueTask.FromResult(true); });

        Assert.Null(decision.Fire);
        Assert.Equal(0, asked); // nothing was due at the one reading: the previous job did not matter
        Assert.Equal(Utc("2026-06-01T12:01:00"), decision.WakeAt);

        // Woken again once it is due: the running job holds the occurrence back.
        var due = await planner.DecideAsync(cron, Definition("* * * * *", overlap: overlap), decision.Cursor, decision.Waiting,
            () => { asked++; return ValueTask.FromResult(true); });
        Assert.Null(due.Fire);
        Assert.Equal(1, asked);
        Assert.Equal(overlap == OverlapPolicy.Wait ? Utc("2026-06-01T12:01:00") : null, due.Waiting);
    }

    [Fact]
    public void Paused_schedule_decides_nothing()
    {
        var cron = CronSchedule.Create("* * * * *", "UTC");
        _time.SetUtcNow(Utc("2026-06-01T12:05:00"));

        var decision = Planner.Decide(cron, Definition("* * * * *") with { Paused = true }, Utc("2026-06-01T12:00:00"), null, false);

        Assert.Equal(new ScheduleDecision(null, 0, Utc("2026-06-01T12:00:00"), null, 0, null), decision);
    }
}
