using Orleans.TestingHost;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// A one-silo in-process test cluster with the real job service: job grains on the real SQLite job store and the real
/// ADO.NET reminder service, both in one database file in a folder the caller owns. A test adds what it needs on top.
/// </summary>
public static class SqliteTestCluster
{
    public static async Task<InProcessTestCluster> DeployAsync(string directory, Action<ISiloBuilder> configure)
    {
        var databasePath = Path.Combine(directory, "jobs.db");
        var connectionString = new SqliteJobStoreOptions(databasePath).ConnectionString;
        await SqliteSchema.ApplyAsync(connectionString, CancellationToken.None);

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddJobService();
            silo.AddJobStorage(JobGrain.StorageName);
            silo.UseAdoNetReminderService(o => { o.Invariant = "System.Data.SQLite"; o.ConnectionString = connectionString; });
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.Services.AddSqliteJobStore(databasePath);
            configure(silo);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
