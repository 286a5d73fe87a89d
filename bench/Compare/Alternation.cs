namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The order in which the sides of an alternated comparison take their turns, round by round: first to last in odd
/// rounds, last to first in even ones (A B C, C B A, A B C, …). Over each pair of rounds every side's mean place in the
/// run is the same, so a host that slows down or speeds up steadily (other tenants, a job table that every burst makes
/// larger, a checkpoint or an autovacuum that comes due) weighs on each side alike. With one order for every round, the
/// first side always ran on the smallest table and the last on the largest. An even number of rounds balances exactly;
/// an odd one leaves the last round's order over.
/// </summary>
public static class Alternation
{
    /// <summary>The sides' indexes, 0 to <paramref name="sides"/> − 1, in the order they run in <paramref name="round"/> (counted from 1).</summary>
    public static IEnumerable<int> Order(int sides, int round)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sides);
        ArgumentOutOfRangeException.ThrowIfLessThan(round, 1);
        var order = Enumerable.Range(0, sides);
        return round % 2 == 1 ? order : order.Reverse();
    }
}
