using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansJobs.Handlers;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;

namespace OrleansJobs.Tests.Grains;

/// <summary>
/// A one-silo Orleans test cluster with the real job grains, the real SQLite job store and the real ADO.NET
/// reminder service on SQLite, in a temporary folder; short grace periods so that tests stay quick.
/// </summary>
public sealed class JobClusterFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("orleansjobs-grains-").FullName;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var databasePath = Path.Combine(_directory, "jobs.db");
        var connectionString = new SqliteJobStoreOptions(databasePath).ConnectionString;
        await SqliteSchema.ApplyAsync(connectionString, CancellationToken.None);

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddJobService();
            silo.AddJobStorage(JobGrain.StorageName);
            silo.UseAdoNetReminderService(o => { o.Invariant = "System.Data.SQLite"; o.ConnectionString = connectionString; });
            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryGrainStorageAsDefault(); // queue settings
            silo.Services.AddSqliteJobStore(databasePath);
            silo.Services.AddJobHandler<StubbornHandler>("stubborn");
            silo.Services.PostConfigure<JobServiceOptions>(o =>
            {
                o.CancellationGracePeriod = TimeSpan.FromSeconds(1);
                o.SweepInterval = TimeSpan.FromSeconds(1);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    public IJobStore Store => Cluster.Silos[0].SiloHost.Services.GetRequiredService<IJobStore>();

    /// <summary>A handler that ignores its cancellation token: it must be abandoned after the grace period.</summary>
    public sealed class StubbornHandler : IJobHandler
    {
        public async Task<JsonNode?> ExecuteAsync(JobContext context)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), CancellationToken.None);
            return null;
        }
    }
}
