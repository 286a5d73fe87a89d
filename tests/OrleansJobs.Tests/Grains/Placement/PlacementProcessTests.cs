using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Infrastructure.ProcessApi;

namespace OrleansJobs.Tests.Grains.Placement;

/// <summary>
/// Placement by handler set, as a rolling deploy or a cluster with worker silos has it: two processes of the test app on
/// one PostgreSQL cluster, one serving <c>greet</c> and the other <c>shout</c> (both serve the built-in types).
/// </summary>
[Trait("Kind", "Process")]
public sealed class PlacementProcessTests(PlacementClusterFixture cluster, ITestOutputHelper output) : IClassFixture<PlacementClusterFixture>
{
    private static readonly TimeSpan Long = PlacementClusterFixture.Long;

    private SiloProcess Greeter => cluster.Greeter;

    private SiloProcess Shouter => cluster.Shouter;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_type_runs_only_on_the_silo_that_serves_it_wherever_it_is_submitted()
    {
        var jobs = new List<(string Id, string Type)>();
        foreach (var entry in new[] { Greeter, Shouter })
            for (var i = 0; i < 8; i++)
                foreach (var type in new[] { "greet", "shout" })
                    jobs.Add((await SubmitAsync(entry.Http, new { type, payload = new { name = $"n{i}" } }), type));
        var noops = new List<string>();
        for (var i = 0; i < 8; i++) noops.Add(await SubmitAsync((i % 2 == 0 ? Greeter : Shouter).Http, new { type = "noop" }));

        var listed = await UntilEveryAsync(Greeter.Http, jobs.Select(j => j.Id).Concat(noops), s => s is "Succeeded" or "Failed", Long, "the jobs did not finish");
        foreach (var (id, type) in jobs)
        {
            var job = listed[id];
            var home = type == "greet" ? Greeter : Shouter;
            Assert.True(job.GetProperty("status").GetString() == "Succeeded", $"{id} ({type}): {job}");
            // Every attempt on the serving silo, and the handler's own process id in the result.
            Assert.All(job.GetProperty("attempts").EnumerateArray(), a => Assert.True(RanOn(a, home), $"{id} ({type}) ran on {a.GetProperty("silo")}"));
            Assert.Equal(home.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), job.GetProperty("result").GetProperty("process").GetString());
        }
        // Types both serve run on either.
        Assert.All(noops, id => Assert.Equal("Succeeded", listed[id].GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_silo_that_places_new_jobs_locally_runs_those_submitted_to_it_and_a_silo_that_does_not_spreads_them()
    {
        var local = new List<string>();
        var spread = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            local.Add(await SubmitAsync(Greeter.Http, new { type = "noop" }));
            spread.Add(await SubmitAsync(Shouter.Http, new { type = "noop" }));
        }

        var listed = await UntilEveryAsync(Greeter.Http, local.Concat(spread), s => s is "Succeeded" or "Failed", Long, "the jobs did not finish");
        bool AllOn(string id, SiloProcess silo) => listed[id].GetProperty("attempts").EnumerateArray().All(a => RanOn(a, silo));
        Assert.All(local.Concat(spread), id => Assert.Equal("Succeeded", listed[id].GetProperty("status").GetString()));
        // Both silos serve noop: the greeter keeps what it takes (placed at random, all 16 there would be 1 in 2^16) ...
        Assert.All(local, id => Assert.True(AllOn(id, Greeter), $"{id}, submitted to the greeter, ran on {listed[id].GetProperty("attempts")}"));
        // ... and the shouter, placing at random, sends some to each (all 16 on one silo: 1 in 2^15).
        Assert.Contains(spread, id => AllOn(id, Greeter));
        Assert.Contains(spread, id => AllOn(id, Shouter));
    }

    [Fact]
    public async Task Batch_members_placed_on_a_silo_without_their_handler_move_and_run_where_their_type_is_served()
    {
        var movedBefore = Moves(Greeter, "shout") + Moves(Shouter, "greet");
        using var response = await Greeter.Http.PostAsJsonAsync("api/batches", new
        {
            jobs = Enumerable.Range(0, 24).Select(i => new { type = i % 2 == 0 ? "shout" : "greet", payload = new { name = $"b{i}" } }),
        }, Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var ids = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("jobs").EnumerateArray().Select(j => j.GetString()!).ToList();

        var listed = await UntilEveryAsync(Shouter.Http, ids, s => s is "Succeeded" or "Failed", Long, "the batch's jobs did not finish");
        foreach (var id in ids)
        {
            var job = listed[id];
            var home = job.GetProperty("type").GetString() == "shout" ? Shouter : Greeter;
            Assert.True(job.GetProperty("status").GetString() == "Succeeded", $"{id}: {job}");
            Assert.All(job.GetProperty("attempts").EnumerateArray(), a => Assert.True(RanOn(a, home), $"{id} ran on {a.GetProperty("silo")}"));
        }
        // Members are placed without their type (the batch does not hint them): those placed on a silo without their
        // handler were created there and moved to one with it. 24 placed at random: all on the right silo is 1 in 2^24.
        var moved = Moves(Greeter, "shout") + Moves(Shouter, "greet") - movedBefore;
        output.WriteLine($"{moved} of {ids.Count} members moved");
        Assert.True(moved > 0, "no member was placed on a silo without its handler: the move was not exercised");
    }

    [Fact]
    public async Task A_type_served_by_no_live_silo_is_refused_and_a_payload_is_checked_where_its_type_is_served()
    {
        var before = (await ListAsync(Greeter.Http)).Count;
        foreach (var silo in new[] { Greeter, Shouter })
        {
            using var refused = await silo.Http.PostAsJsonAsync("api/jobs", new { type = "whisper", payload = new { name = "x" } }, Token);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            var detail = (await refused.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors").GetProperty("type")[0].GetString()!;
            Assert.Contains("'whisper'", detail, StringComparison.Ordinal);
            Assert.Contains("no live silo serves it", detail, StringComparison.Ordinal);
            Assert.Contains("greet", detail, StringComparison.Ordinal);
            Assert.Contains("shout", detail, StringComparison.Ordinal);
        }

        // shout's payload submitted to the silo without shout's handler: the same errors the serving silo gives.
        foreach (var silo in new[] { Greeter, Shouter })
        {
            using var bad = await silo.Http.PostAsJsonAsync("api/jobs", new { type = "shout", payload = new { steps = 0 } }, Token);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("errors");
            Assert.True(errors.TryGetProperty("payload.name", out _), $"{silo}: {errors}");
            Assert.True(errors.TryGetProperty("payload.steps", out _), $"{silo}: {errors}");
        }
        Assert.Equal(before, (await ListAsync(Greeter.Http)).Count);
    }

    [Fact]
    public async Task Job_types_list_each_type_with_the_silos_that_serve_it_also_through_the_client()
    {
        await using var client = new OrleansJobsClient(Shouter.Http);
        var types = await client.ListJobTypesAsync(Token);
        output.WriteLine(string.Join("\n", types.Select(t => $"{t.Type}: {string.Join(", ", t.Silos.Select(s => $"{s.Address} {s.Name}"))}")));

        Assert.Equal(["delay", "greet", "http", "noop", "shout"], types.Select(t => t.Type));
        Assert.True(RanOn(Assert.Single(types.Single(t => t.Type == "greet").Silos).Address, Greeter));
        Assert.True(RanOn(Assert.Single(types.Single(t => t.Type == "shout").Silos).Address, Shouter));
        var noop = types.Single(t => t.Type == "noop").Silos;
        Assert.Equal(2, noop.Count);
        Assert.All(noop, s => Assert.False(string.IsNullOrEmpty(s.Name)));
    }

    [Fact]
    public async Task Scheduled_jobs_that_sleep_and_are_woken_later_still_run_only_where_their_type_is_served()
    {
        // Due in a few seconds: a grain may sleep after its creation, and the sweeper then wakes it shortly before it is
        // due on a silo placement picks without knowing its type; one woken on the greeter must move, never run there.
        var runAt = DateTimeOffset.UtcNow.AddSeconds(8);
        var ids = new List<string>();
        for (var i = 0; i < 16; i++) ids.Add(await SubmitAsync(Greeter.Http, new { type = "shout", runAt, payload = new { name = $"late{i}" } }));

        var listed = await UntilEveryAsync(Greeter.Http, ids, s => s is "Succeeded" or "Failed", Long, "the scheduled jobs did not finish");
        foreach (var id in ids)
        {
            Assert.Equal("Succeeded", listed[id].GetProperty("status").GetString());
            Assert.All(listed[id].GetProperty("attempts").EnumerateArray(), a => Assert.True(RanOn(a, Shouter), $"{id} ran on {a.GetProperty("silo")}"));
        }
        // Whether any was woken on the greeter and moved is up to placement: counted for the record, not asserted.
        var moved = Moves(Greeter, "shout");
        output.WriteLine($"{moved} of {ids.Count} jobs moved off the greeter");
    }

    /// <summary>How many jobs of <paramref name="type"/> have moved off <paramref name="silo"/> (from its recent log).</summary>
    private static int Moves(SiloProcess silo, string type) =>
        silo.RecentOutput().Split('\n').Count(line => line.Contains($"moves to a silo that serves job type {type}", StringComparison.Ordinal));

    private static bool RanOn(JsonElement attempt, SiloProcess silo) => RanOn(attempt.GetProperty("silo").GetString()!, silo);

    private static bool RanOn(string address, SiloProcess silo) => PlacementClusterFixture.IsOf(address, silo);
}
