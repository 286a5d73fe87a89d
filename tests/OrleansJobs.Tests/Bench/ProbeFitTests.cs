using OrleansJobs.Bench.Compare;

namespace OrleansJobs.Tests.Bench;

[Trait("Kind", "Unit")]
public sealed class ProbeFitTests
{
    [Fact]
    public void Each_kinds_difference_is_taken_at_the_same_probe_reading_so_a_burst_on_a_slow_host_does_not_count_against_its_kind()
    {
        // Three kinds, 0.04 ms more a job for each ms of probe; kind 1 costs 0.02 ms less than kind 0, kind 2 0.01 more.
        // Kind 1 met the slowest host in every round, so its raw readings are the highest of all.
        double[] offset = [0, -0.02, 0.01];
        var readings = new List<(int, double, double)>();
        foreach (var (kind, probes) in new[] { (0, new[] { 9.0, 9.5, 10.0 }), (1, [12.0, 12.5, 13.0]), (2, [9.2, 9.8, 10.4]) })
            readings.AddRange(probes.Select(probe => (kind, probe, 0.1 + 0.04 * probe + offset[kind])));

        var fit = ProbeFit.Of(readings, kinds: 3);

        Assert.NotNull(fit);
        Assert.Equal(0.04, fit.Slope, 9);
        Assert.Equal(-0.02, fit.Differences[1], 9);
        Assert.Equal(0.01, fit.Differences[2], 9);
        Assert.All(fit.StandardErrors, error => Assert.Equal(0, error, 6));
        // Kind 0 costs 0.02 ms a job over kind 1 at the mean probe reading, whatever host each met.
        var (percent, _) = fit.CostOver(1);
        Assert.Equal(100 * 0.02 / (fit.ReferenceAtMean - 0.02), percent, 6);
        Assert.True(percent > 0);
    }

    [Fact]
    public void Noise_gives_a_standard_error_and_too_few_bursts_or_a_probe_that_never_moved_give_no_fit()
    {
        var noisy = new List<(int, double, double)>
        {
            (0, 9, 0.40), (0, 10, 0.46), (0, 11, 0.47), (1, 9, 0.37), (1, 10, 0.40), (1, 11, 0.45),
        };
        var fit = ProbeFit.Of(noisy, kinds: 2);
        Assert.NotNull(fit);
        Assert.True(fit.StandardErrors[1] > 0);
        Assert.Equal(0, fit.StandardErrors[0]);

        Assert.Null(ProbeFit.Of(noisy.Take(3).ToList(), kinds: 2)); // kind 1 has no burst
        Assert.Null(ProbeFit.Of([(0, 9, 0.4), (1, 10, 0.4), (0, 11, 0.5)], kinds: 2)); // nothing left for the error
        Assert.Null(ProbeFit.Of([(0, 10, 0.4), (0, 10, 0.5), (1, 10, 0.4), (1, 10, 0.45)], kinds: 2)); // the probe never moved
        Assert.Null(ProbeFit.Of([(0, double.NaN, 0.4), (0, double.NaN, 0.5), (1, double.NaN, 0.4), (1, double.NaN, 0.45)], kinds: 2));
    }
}
