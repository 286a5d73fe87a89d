using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Infrastructure.MetricsScrape;
using static OrleansJobs.Tests.Infrastructure.ProcessApi;

namespace OrleansJobs.Tests.Grains.Retention;

/// <summary>
/// Retention with short ages on real silo processes: the embedded SQLite silo, and a 3-silo cluster on PostgreSQL
/// where one retention grain deletes for all (the deleted counts, summed over the silos, are exact).
/// </summary>
[Trait("Kind", "Process")]
public sealed class RetentionProcessTests
{
    private static readonly string[] ShortRetention =
    [
        "--OrleansJobs:Retention:Succeeded=2s",
        "--OrleansJobs:Retention:Failed=1h",
        "--OrleansJobs:Retention:Cancelled=infinite",
        "--OrleansJobs:Retention:Interval=00:00:00.5",
    ];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Old_succeeded_jobs_are_deleted_on_the_embedded_silo_and_the_rest_are_kept()
    {
        await using var silo = SiloProcess.Start(new SiloProcessOptions { Args = ShortRetention });
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        await ShowsRetentionAsync([silo]);
    }

    [Fact]
    public async Task Old_succeeded_jobs_are_deleted_once_across_a_three_silo_cluster_on_postgresql()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();
        var silos = Enumerable.Range(0, 3).Select(_ => ClusterSilos.StartSilo(database.ConnectionString, ShortRetention)).ToList();
        try
        {
            await Task.WhenAll(silos.Select(silo => silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
            await ShowsRetentionAsync(silos);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_bad_retention_age_stops_the_silo_at_start_saying_which_setting()
    {
        await using var silo = SiloProcess.Start(new SiloProcessOptions { Args = ["--OrleansJobs:Retention:Failed=a month"] });

        Assert.NotEqual(0, await silo.ExitedAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("OrleansJobs:Retention:Failed is 'a month'", silo.RecentOutput());
    }

    /// <summary>Submits through the first silo, reads through each in turn; counts deletions over all of them.</summary>
    private static async Task ShowsRetentionAsync(IReadOnlyList<SiloProcess> silos)
    {
        var http = silos[0].Http;
        var succeeded = new List<string>();
        for (var i = 0; i < 4; i++) succeeded.Add(await SubmitAsync(http, new { type = "noop" }));
        var key = $"retention-{Guid.NewGuid():N}";
        var keyed = await SubmitWithKeyAsync(http, key);
        Assert.False(keyed.Replayed);
        succeeded.Add(keyed.Id);
        var failed = await SubmitAsync(http, new { type = "delay", payload = new { duration = "00:00:00.05", failAttempts = 5 }, maxAttempts = 1 });
        var running = await SubmitAsync(http, new { type = "delay", payload = new { duration = "00:02:00" } });
        var scheduled = await SubmitAsync(http, new { type = "noop", runAt = DateTimeOffset.UtcNow.AddHours(1) });
        var cancelled = await SubmitAsync(http, new { type = "noop", runAt = DateTimeOffset.UtcNow.AddHours(1) });
        using (var cancel = await http.PostAsync($"/api/jobs/{cancelled}/cancel", null, Token))
            Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);

        // A succeeded job is never seen deleted before it ended: a queued or running one is not a candidate at all.
        await Eventually.Until(async () =>
        {
            foreach (var id in succeeded)
                if (await StatusOfAsync(silos[succeeded.IndexOf(id) % silos.Count].Http, id) is not null) return false;
            return true;
        }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(250), "the succeeded jobs were not deleted");

        using (var gone = await http.GetAsync($"/api/jobs/{succeeded[0]}", Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
            Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        }

        // Several more passes: the others stay, in their own status.
        await Task.Delay(TimeSpan.FromSeconds(3), Token);
        Assert.Equal("Failed", await StatusOfAsync(http, failed));
        Assert.Equal("Running", await StatusOfAsync(http, running));
        Assert.Equal("Scheduled", await StatusOfAsync(http, scheduled));
        Assert.Equal("Cancelled", await StatusOfAsync(http, cancelled));
        var listed = await ListAsync(http);
        Assert.All(succeeded, id => Assert.DoesNotContain(id, listed.Keys));
        Assert.Equal(4, new[] { failed, running, scheduled, cancelled }.Count(listed.ContainsKey));

        // The counter, summed over the silos, is exact: each job was deleted once, by one silo.
        await Eventually.Until(async () => await DeletedAsync(silos, "succeeded") >= succeeded.Count,
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250), "orleansjobs_retention_deleted_total did not count the deleted jobs");
        Assert.Equal(succeeded.Count, await DeletedAsync(silos, "succeeded"));
        Assert.Equal(0, await DeletedAsync(silos, "failed") + await DeletedAsync(silos, "cancelled"));

        // The idempotency key is free again: the same key makes a new job, not a replay of the deleted one.
        var again = await SubmitWithKeyAsync(http, key);
        Assert.Equal(keyed.Id, again.Id);
        Assert.False(again.Replayed);
        Assert.NotNull(await StatusOfAsync(http, again.Id));
    }

    private static async Task<(string Id, bool Replayed)> SubmitWithKeyAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(new { type = "noop" }) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request, Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!;
        return (id, response.Headers.Contains("Idempotent-Replayed"));
    }

    /// <summary>The job's status, or null when the API answers 404.</summary>
    private static async Task<string?> StatusOfAsync(HttpClient http, string id)
    {
        using var response = await http.GetAsync($"/api/jobs/{id}", Token);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("status").GetString();
    }

    private static async Task<double> DeletedAsync(IEnumerable<SiloProcess> silos, string status)
    {
        var total = 0.0;
        foreach (var silo in silos) total += Sum(await ScrapeAsync(silo.Http), $"orleansjobs_retention_deleted_total{{status={status}}}");
        return total;
    }
}
