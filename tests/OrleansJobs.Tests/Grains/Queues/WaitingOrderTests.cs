using OrleansJobs.Queues;

namespace OrleansJobs.Tests.Grains.Queues;

[Trait("Kind", "Unit")]
public sealed class WaitingOrderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Ageing = TimeSpan.FromMinutes(1);

    private static QueueTicket Ticket(string id, int priority, TimeSpan waited) => new(id, priority, null, Now - waited, "silo-1");

    private static QueueTicket? Best(params QueueTicket[] waiters) => WaitingOrder.Best(waiters, Now, Ageing, _ => true);

    /// <summary>The order in which the queue happens to hold its waiters must not decide which one starts.</summary>
    private static void StartsFirstWhicheverWayTheyAreHeld(QueueTicket first, QueueTicket other)
    {
        Assert.Same(first, Best(first, other));
        Assert.Same(first, Best(other, first));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(59, 0)]
    [InlineData(60, 1)]
    [InlineData(150, 2)]
    [InlineData(600, 10)]
    public void A_waiting_job_gains_one_priority_for_each_whole_ageing_interval_it_has_waited(int waitedSeconds, int gained)
    {
        var ticket = Ticket("job-1", 3, TimeSpan.FromSeconds(waitedSeconds));

        Assert.Equal(3 + gained, WaitingOrder.EffectivePriority(ticket, Now, Ageing));
    }

    [Fact]
    public void A_job_submitted_after_now_by_another_silos_clock_loses_no_priority()
    {
        var ahead = Ticket("job-1", 3, TimeSpan.FromSeconds(-90));

        Assert.Equal(3, WaitingOrder.EffectivePriority(ahead, Now, Ageing));
    }

    [Fact]
    public void The_highest_priority_starts_first()
    {
        var low = Ticket("job-low", 1, TimeSpan.Zero);
        var high = Ticket("job-high", 5, TimeSpan.Zero);

        StartsFirstWhicheverWayTheyAreHeld(high, low);
    }

    [Theory]
    [InlineData(4, "job-fresh")]
    [InlineData(5, "job-old")]
    [InlineData(6, "job-old")]
    public void A_low_priority_overtakes_a_newer_high_priority_once_it_has_waited_the_difference(int waitedMinutes, string first)
    {
        var old = Ticket("job-old", 0, TimeSpan.FromMinutes(waitedMinutes));
        var fresh = Ticket("job-fresh", 5, TimeSpan.Zero);

        Assert.Equal(first, Best(fresh, old)?.JobId);
    }

    [Fact]
    public void Among_equal_effective_priorities_the_earliest_submitted_starts_first()
    {
        // Ageing brings both to priority 4: the older one's lower priority has caught up exactly.
        var older = Ticket("job-z", 2, TimeSpan.FromMinutes(2.5));
        var newer = Ticket("job-a", 4, TimeSpan.FromSeconds(10));

        StartsFirstWhicheverWayTheyAreHeld(older, newer);
    }

    [Fact]
    public void Jobs_submitted_at_the_same_instant_with_equal_priority_start_in_ordinal_order_of_their_ids()
    {
        // Ordinal order puts upper case first, so a culture-aware comparison would pick the other one.
        var upper = Ticket("job-B", 2, TimeSpan.FromSeconds(5));
        var lower = Ticket("job-a", 2, TimeSpan.FromSeconds(5));

        StartsFirstWhicheverWayTheyAreHeld(upper, lower);
    }

    [Fact]
    public void A_waiter_the_caller_cannot_start_is_passed_over_for_the_next_best()
    {
        var blocked = Ticket("job-blocked", 9, TimeSpan.FromMinutes(10));
        var next = Ticket("job-next", 1, TimeSpan.Zero);
        var last = Ticket("job-last", 0, TimeSpan.Zero);

        Assert.Same(next, WaitingOrder.Best([blocked, next, last], Now, Ageing, t => t != blocked));
    }

    [Fact]
    public void No_waiter_or_none_eligible_gives_no_job()
    {
        var waiter = Ticket("job-1", 1, TimeSpan.Zero);

        Assert.Null(Best());
        Assert.Null(WaitingOrder.Best([waiter], Now, Ageing, _ => false));
    }

    [Fact]
    public void Negative_priorities_order_like_any_other()
    {
        var lower = Ticket("job-1", -7, TimeSpan.Zero);
        var higher = Ticket("job-2", -2, TimeSpan.Zero);

        Assert.Same(lower, Best(lower));
        Assert.Same(higher, Best(lower, higher));
    }

    [Fact]
    public void In_order_lists_the_waiters_in_the_order_best_picks_them_one_by_one()
    {
        QueueTicket[] waiters =
        [
            Ticket("job-low", 1, TimeSpan.Zero),
            Ticket("job-high", 9, TimeSpan.Zero),
            Ticket("job-aged", 1, TimeSpan.FromMinutes(5)),
            Ticket("job-b", 5, TimeSpan.FromSeconds(10)),
            Ticket("job-a", 5, TimeSpan.FromSeconds(10)),
            Ticket("job-older", 5, TimeSpan.FromSeconds(30)),
        ];

        var picked = new List<string>();
        var left = waiters.ToList();
        while (Best([.. left]) is { } best)
        {
            picked.Add(best.JobId);
            left.Remove(best);
        }

        Assert.Equal(["job-high", "job-aged", "job-older", "job-a", "job-b", "job-low"], picked);
        Assert.Equal(picked, WaitingOrder.InOrder(waiters, Now, Ageing).Select(t => t.JobId));
        Assert.Equal(picked, WaitingOrder.InOrder(waiters.Reverse(), Now, Ageing).Select(t => t.JobId));
    }
}
