using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Placement;

/// <summary>
/// Two processes of the test app on one PostgreSQL cluster with disjoint handler sets: <see cref="Greeter"/> serves
/// <c>greet</c>, <see cref="Shouter"/> serves <c>shout</c>; both serve the built-in types. The greeter places new jobs
/// on itself when it serves their type (<c>OrleansJobs:PlaceNewJobsLocally</c>); the shouter, as by default, at random
/// among the silos that serve it. Ready once each lists both.
/// </summary>
public sealed class PlacementClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    private readonly PostgresFixture _database = new();

    public SiloProcess Greeter { get; private set; } = null!;
    public SiloProcess Shouter { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        // ArmAhead of a second: a job due later sleeps, and the sweeper wakes it on a silo it does not choose.
        string[] common = ["--OrleansJobs:ArmAhead=00:00:01", "--Logging:LogLevel:OrleansJobs.Jobs.JobGrain=Information"];
        Greeter = ClusterSilos.Start(SiloProcessOptions.TestApp, _database.ConnectionString, [.. common, "--TestApp:Handlers=greet", "--OrleansJobs:PlaceNewJobsLocally=true"]);
        Shouter = ClusterSilos.Start(SiloProcessOptions.TestApp, _database.ConnectionString, [.. common, "--TestApp:Handlers=shout"]);
        await Task.WhenAll(Greeter.WaitUntilReadyAsync(Long), Shouter.WaitUntilReadyAsync(Long));
        // Each silo learns the other's job types from its grain manifest once it has seen it join.
        foreach (var silo in new[] { Greeter, Shouter })
            await Eventually.Until(async () =>
            {
                var types = (await silo.Http.GetFromJsonAsync<JsonElement>("api/job-types", TestContext.Current.CancellationToken)).GetProperty("items");
                return ServedOnlyBy(types, "greet", Greeter) && ServedOnlyBy(types, "shout", Shouter);
            }, Long, TimeSpan.FromMilliseconds(250), $"{silo} did not come to list both silos' job types");
    }

    public async ValueTask DisposeAsync()
    {
        if (Greeter is not null) await Greeter.DisposeAsync();
        if (Shouter is not null) await Shouter.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Whether <paramref name="address"/> (as attempts and the job types list give it) is <paramref name="silo"/>'s.</summary>
    public static bool IsOf(string address, SiloProcess silo) => address.Contains($":{silo.SiloPort}@", StringComparison.Ordinal);

    private static bool ServedOnlyBy(JsonElement types, string type, SiloProcess silo) =>
        types.EnumerateArray().Any(t => t.GetProperty("type").GetString() == type
                                        && t.GetProperty("silos").EnumerateArray().ToList() is [var only]
                                        && IsOf(only.GetProperty("address").GetString()!, silo));
}
