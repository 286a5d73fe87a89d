using OrleansJobs.Schedules;

namespace OrleansJobs.Tests.Grains.Schedules;

/// <summary>The shortest time between a cron expression's occurrences, which <c>OrleansJobs:MinScheduleInterval</c> is checked against.</summary>
[Trait("Kind", "Unit")]
public sealed class CronScheduleGapTests
{
    private static readonly DateTimeOffset From = new(2026, 12, 5, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("* * * * * *", 1)]
    [InlineData("*/10 * * * * *", 10)]
    [InlineData("0,5 * * * * *", 5)]
    [InlineData("*/5 * * * *", 300)]
    [InlineData("0 9,17 * * *", 8 * 3600)]
    [InlineData("0 0 * * *", 86400)]
    public void The_shortest_gap_is_found_wherever_it_falls(string cron, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), CronSchedule.Create(cron, "UTC").ShortestGap(From));

    [Fact]
    public void An_expression_that_fires_once_has_no_gap() =>
        Assert.Null(CronSchedule.Create("0 0 1 1 * *", "UTC").ShortestGap(From, occurrences: 1));
}
