using Microsoft.Playwright;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.JobsConsole;

/// <summary>
/// The console against a PostgreSQL cluster of two silo processes: the second silo's console shows what was submitted
/// to the first, since both share the job table and the grains.
/// </summary>
[Trait("Kind", "Browser")]
public sealed class ConsolePostgresBrowserTests : ConsoleBrowserTest
{
    private readonly PostgresFixture _database = new();
    private List<SiloProcess> _silos = [];

    protected override Uri Site => _silos[1].Http.BaseAddress!;

    public override async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _silos = await ClusterSilos.StartClusterAsync(_database.ConnectionString, 2);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var silo in _silos) await silo.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task One_silos_console_charts_and_follows_a_batch_submitted_to_the_other_and_counts_both_silos()
    {
        var first = _silos[0].Http;
        for (var i = 0; i < 3; i++) await first.WaitUntilFinishedAsync(await first.SubmitAsync("""{"type":"noop"}"""));

        await ConsoleFlows.ExpectChartsAsync(Page, Site);
        await Assertions.Expect(Page.Locator("#silo-count")).ToHaveTextAsync("2");
        await Screenshot("overview-postgres");

        var batch = await ConsoleFlows.SubmitStaggeredBatchAsync(first);
        await ConsoleFlows.WatchBatchAdvanceAsync(Page, Site, batch);
        await Screenshot("batch-postgres");
    }
}
