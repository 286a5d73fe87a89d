using static OrleansJobs.Tests.Infrastructure.ProcessApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Queues;

/// <summary>A concurrency limit across two silo processes, one of them killed while it holds slots.</summary>
[Trait("Kind", "Process")]
public sealed class QueueFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_concurrency_limit_of_three_holds_across_two_silos_and_a_killed_silos_slots_come_back()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();
        var silos = await ClusterSilos.StartClusterAsync(database.ConnectionString, 2);
        try
        {
            var (a, b) = (silos[0].Http, silos[1].Http);
            await QueueRuns.ConfigureAsync(a, "narrow", new { maxConcurrency = 3 });
            await QueueRuns.OutlastEverySilosCopyAsync();
            var ids = new List<string>();
            for (var i = 0; i < 30; i++)
                ids.Add(await SubmitAsync(i % 2 == 0 ? a : b, new { type = "delay", queue = "narrow", payload = new { duration = "00:00:00.500" }, maxAttempts = 5 }));

            // Kill a silo while it runs some of them: it holds slots then. Which silo runs which job is Orleans' placement's
            // choice (it weighs the silos' load), so the victim is whichever is running one when the test looks.
            string? victimSilo = null;
            await Eventually.Until(async () =>
            {
                victimSilo = (await ListAsync(a, "Running")).Values.Select(job => job.GetProperty("attempts").EnumerateArray().Last().GetProperty("silo").GetString())
                    .FirstOrDefault(silo => silo is not null && silos.Any(s => silo.Contains($":{s.SiloPort}@", StringComparison.Ordinal)));
                return victimSilo is not null;
            }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(20), "no job of the queue ran");
            var victim = silos.Single(s => victimSilo!.Contains($":{s.SiloPort}@", StringComparison.Ordinal));
            var survivor = silos.Single(s => s != victim);
            var killedAt = DateTimeOffset.UtcNow;
            victim.Kill();

            var jobs = await UntilEveryAsync(survivor.Http, ids, status => status is "Succeeded" or "Failed", TimeSpan.FromSeconds(60), "the queue did not drain after the kill");

            var attempts = QueueRuns.Attempts(ids.Select(id => jobs[id]), killedAt);
            var lost = ids.Count(id => Outcomes(jobs[id]).Contains("Lost"));
            output.WriteLine($"{lost} attempts lost with the killed silo; drained {(jobs.Values.Max(j => j.GetProperty("completedAt").GetDateTimeOffset()) - killedAt).TotalSeconds:F1} s after the kill");
            Assert.All(ids, id => Assert.Equal("Succeeded", jobs[id].GetProperty("status").GetString()));
            Assert.InRange(QueueRuns.MostAtOnce(attempts), 1, 3);
            Assert.True(lost > 0, "the killed silo held no slot");
            // Jobs ran on both silos under the one limit (the survivor at least with the victim's orphans): it was shared, not per silo.
            var silosUsed = ids.SelectMany(id => jobs[id].GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("silo").GetString()!)).ToList();
            Assert.Contains(silosUsed, silo => silo.Contains($":{silos[0].SiloPort}@", StringComparison.Ordinal));
            Assert.Contains(silosUsed, silo => silo.Contains($":{silos[1].SiloPort}@", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }
}
