using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Queues;

/// <summary>Two silo processes on one PostgreSQL database, shared by the queue tests that do not kill a silo.</summary>
public sealed class QueueClusterFixture : IAsyncLifetime
{
    private readonly PostgresFixture _database = new();

    public List<SiloProcess> Silos { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        Silos = await ClusterSilos.StartClusterAsync(_database.ConnectionString, 2);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos) await silo.DisposeAsync();
        await _database.DisposeAsync();
    }
}
