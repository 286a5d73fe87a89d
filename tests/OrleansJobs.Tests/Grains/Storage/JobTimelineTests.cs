using OrleansJobs.Storage;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>The timeline's arithmetic, apart from any store: nearest-rank quantiles and buckets filled from rows.</summary>
[Trait("Kind", "Unit")]
public sealed class JobTimelineTests
{
    [Theory]
    [InlineData(new double[] { 7 }, 7)]
    [InlineData(new double[] { 1, 2, 3 }, 3)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 10)]
    public void The_p99_is_the_nearest_rank(double[] sorted, double p99) => Assert.Equal(p99, JobTimeline.Quantile(sorted, 0.99));

    [Fact]
    public void The_p99_of_two_hundred_samples_is_the_198th_and_of_none_is_null()
    {
        var samples = Enumerable.Range(1, 200).Select(i => (double)i).ToList();
        Assert.Equal(198, JobTimeline.Quantile(samples, 0.99));
        Assert.Null(JobTimeline.Quantile([], 0.99));
    }

    [Fact]
    public void Rows_fill_their_buckets_and_rows_outside_the_span_are_left_out()
    {
        var from = new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
        var timeline = JobTimeline.Build(from, TimeSpan.FromSeconds(30), 2,
            [(0, 4, 0), (1, 0, 3), (2, 9, 9), (-1, 9, 9)], [(1, 40), (1, 10), (5, 1000)]);
        Assert.Equal([from, from.AddSeconds(30)], timeline.Buckets.Select(b => b.Start));
        Assert.Equal([(4L, 0L), (0L, 3L)], timeline.Buckets.Select(b => (b.Created, b.Ended)));
        Assert.Equal([null, 40], timeline.Buckets.Select(b => b.StartDelayP99Ms));
    }
}
