using OrleansJobs.Bench.Compare;

namespace OrleansJobs.Tests.Bench;

[Trait("Kind", "Unit")]
public sealed class AlternationTests
{
    [Fact]
    public void Rounds_run_forward_then_backward_so_each_pair_of_rounds_gives_every_side_the_same_mean_place()
    {
        Assert.Equal([0, 1, 2, 3, 4, 5], Alternation.Order(6, 1));
        Assert.Equal([5, 4, 3, 2, 1, 0], Alternation.Order(6, 2));
        Assert.Equal([0, 1, 2, 3, 4, 5], Alternation.Order(6, 3));

        // Over four rounds every side's places add up alike: a steady drift in the host weighs on each side the same.
        var places = Enumerable.Range(1, 4).SelectMany(round => Alternation.Order(6, round).Select((side, place) => (side, place)))
            .GroupBy(p => p.side).ToDictionary(g => g.Key, g => g.Sum(p => p.place));
        Assert.Equal(6, places.Count);
        Assert.All(places.Values, sum => Assert.Equal(10, sum));

        Assert.Empty(Alternation.Order(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Alternation.Order(2, 0));
    }
}
