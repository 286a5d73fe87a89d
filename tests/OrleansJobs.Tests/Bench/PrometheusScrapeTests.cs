using OrleansJobs.Bench.Compare;

namespace OrleansJobs.Tests.Bench;

/// <summary>The benchmark's reading of two /metrics scrapes: W5's "in the silo" figures come from these.</summary>
[Trait("Kind", "Unit")]
public sealed class PrometheusScrapeTests
{
    private static PrometheusScrape Scrape(double fast, double medium, double slow, double cpu) => PrometheusScrape.Parse($"""
        # TYPE commit_seconds histogram
        commit_seconds_bucket{"{"}store="postgresql",le="0.005"{"}"} {fast}
        commit_seconds_bucket{"{"}store="postgresql",le="0.01"{"}"} {medium}
        commit_seconds_bucket{"{"}store="postgresql",le="0.05"{"}"} {slow}
        commit_seconds_bucket{"{"}store="postgresql",le="+Inf"{"}"} {slow}
        commit_seconds_bucket{"{"}store="sqlite",le="0.005"{"}"} 1000
        commit_seconds_bucket{"{"}store="sqlite",le="0.01"{"}"} 1000
        commit_seconds_bucket{"{"}store="sqlite",le="0.05"{"}"} 1000
        commit_seconds_bucket{"{"}store="sqlite",le="+Inf"{"}"} 1000
        cpu_seconds_total{"{"}cpu_mode="user"{"}"} {cpu}
        cpu_seconds_total{"{"}cpu_mode="system"{"}"} 1.5
        """);

    private static bool Postgres(IReadOnlyDictionary<string, string> labels) => labels.GetValueOrDefault("store") == "postgresql";

    [Fact]
    public void Figures_cover_only_what_was_recorded_between_the_two_scrapes()
    {
        // Between the scrapes: 5 commits under 5 ms, 5 more under 10 ms, 1 under 50 ms.
        var before = Scrape(10, 10, 10, cpu: 2.0);
        var after = Scrape(15, 20, 21, cpu: 4.5);

        var median = PrometheusScrape.Quantile(before, after, "commit_seconds", 0.5, Postgres);
        Assert.Equal(11, median.Count);
        Assert.Equal(0.0055, median.Value, 6); // rank 5.5: half a commit into the 5–10 ms bucket's five
        Assert.Equal(0.05, PrometheusScrape.Max(before, after, "commit_seconds", Postgres));
        Assert.Equal(2.5, PrometheusScrape.Delta(before, after, "cpu_seconds_total", _ => true), 6);
    }

    [Fact]
    public void Nothing_recorded_between_the_scrapes_gives_no_figure()
    {
        var scrape = Scrape(10, 10, 10, cpu: 2.0);

        Assert.True(double.IsNaN(PrometheusScrape.Quantile(scrape, scrape, "commit_seconds", 0.99, Postgres).Value));
        Assert.True(double.IsNaN(PrometheusScrape.Max(scrape, scrape, "commit_seconds", Postgres)));
        Assert.True(double.IsNaN(PrometheusScrape.Max(scrape, scrape, "no_such_histogram", _ => true)));
    }
}
