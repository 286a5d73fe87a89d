using Microsoft.Extensions.Time.Testing;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Jobs;

[Trait("Kind", "Unit")]
public sealed class ProgressSlotTests
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Nothing_is_reported_until_the_handler_reports()
    {
        var slot = new ProgressSlot(time);

        Assert.Null(slot.Latest);
        Assert.False(slot.Changed.IsCompleted);
    }

    [Fact]
    public void A_report_is_kept_with_the_time_it_was_made()
    {
        var slot = new ProgressSlot(time);

        slot.Report(42.5, "halfway-ish");

        Assert.Equal(new JobProgress(42.5, "halfway-ish", time.GetUtcNow()), slot.Latest);
    }

    [Fact]
    public void The_latest_report_wins()
    {
        var slot = new ProgressSlot(time);

        slot.Report(10, "first");
        time.Advance(TimeSpan.FromSeconds(3));
        slot.Report(20, "second");

        Assert.Equal(new JobProgress(20, "second", time.GetUtcNow()), slot.Latest);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(100.0)]
    [InlineData(null)]
    public void The_bounds_and_a_message_without_a_percentage_are_accepted(double? percent)
    {
        var slot = new ProgressSlot(time);

        slot.Report(percent, "working");

        Assert.Equal(percent, slot.Latest?.Percent);
        Assert.Equal("working", slot.Latest?.Message);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(100.1)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void A_percentage_outside_0_to_100_is_refused_and_leaves_the_last_report_in_place(double percent)
    {
        var slot = new ProgressSlot(time);
        slot.Report(30, "before");
        var before = slot.Latest;
        slot.ResetChanged();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => slot.Report(percent, "bad"));

        Assert.Equal("percent", error.ParamName);
        Assert.Same(before, slot.Latest);
        Assert.False(slot.Changed.IsCompleted);
    }

    [Fact]
    public void Changed_completes_at_the_first_report_and_stays_completed_until_it_is_reset()
    {
        var slot = new ProgressSlot(time);
        var changed = slot.Changed;

        slot.Report(10);
        slot.Report(20);

        Assert.True(changed.IsCompletedSuccessfully);
        Assert.Same(changed, slot.Changed);
    }

    [Fact]
    public void Reset_after_a_report_arms_Changed_for_the_next_report()
    {
        var slot = new ProgressSlot(time);
        slot.Report(10);

        slot.ResetChanged();
        var next = slot.Changed;

        Assert.False(next.IsCompleted);
        slot.Report(20);
        Assert.True(next.IsCompletedSuccessfully);
    }

    [Fact]
    public void Reset_with_no_report_since_keeps_the_same_Changed_so_a_waiter_is_not_left_behind()
    {
        var slot = new ProgressSlot(time);
        var waiting = slot.Changed;

        slot.ResetChanged();
        slot.Report(10);

        Assert.True(waiting.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task A_report_does_not_run_the_waiter_of_Changed_on_the_reporting_handlers_thread()
    {
        // The waiter is the job grain's publisher: run inline, it would do the grain's work on the handler's thread,
        // outside the grain's turn, and hold the handler up while it does.
        var slot = new ProgressSlot(time);
        var reporter = Environment.CurrentManagedThreadId;
        var reporting = false;
        var ranInsideReport = slot.Changed.ContinueWith(
            _ => Volatile.Read(ref reporting) && Environment.CurrentManagedThreadId == reporter,
            TaskContinuationOptions.ExecuteSynchronously);

        Volatile.Write(ref reporting, true);
        slot.Report(10);
        Volatile.Write(ref reporting, false);

        Assert.False(await ranInsideReport.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }
}
