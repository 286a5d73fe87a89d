using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// A real silo on one SQLite file, as in the embedded mode: the job store, the stock ADO.NET reminders and
/// grain storage running on this project's scripts, all applied by the store's lifecycle participant.
/// </summary>
[Trait("Kind", "Silo")]
public sealed class OrleansOnSqliteTests : IAsyncLifetime
{
    private const string Invariant = "System.Data.SQLite";
    private readonly TempDatabase _db = new();
    private InProcessTestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSqliteJobStore(_db.Path);
            silo.AddJobStorage();
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = _db.ConnectionString;
            });
            silo.AddAdoNetGrainStorage("adonet", options =>
            {
                options.Invariant = Invariant;
                options.ConnectionString = _db.ConnectionString;
                options.DeleteStateOnClear = true;
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _db.Dispose();
    }

    [Fact]
    public async Task A_reminder_is_registered_read_back_and_unregistered_through_the_ado_net_provider()
    {
        var grain = _cluster.Client.GetGrain<IReminderProbeGrain>("probe");

        await grain.Register("nightly");
        Assert.True(await grain.Has("nightly"));
        Assert.Equal(["nightly"], await grain.List());
        Assert.Equal(1L, _db.Scalar("SELECT count(*) FROM OrleansRemindersTable WHERE ReminderName = 'nightly'"));

        await grain.Register("nightly");
        Assert.Equal(1L, _db.Scalar("SELECT Version FROM OrleansRemindersTable"));

        await grain.Unregister("nightly");
        Assert.False(await grain.Has("nightly"));
        Assert.Empty(await grain.List());
        Assert.Equal(0L, _db.Scalar("SELECT count(*) FROM OrleansRemindersTable"));
    }

    [Fact]
    public async Task Stock_ado_net_grain_storage_writes_reads_and_deletes_state()
    {
        var grain = _cluster.Client.GetGrain<INoteGrain>("n1");

        Assert.Null(await grain.Load());
        await grain.Save("first");
        await grain.Save("second");
        Assert.Equal("second", await grain.Load());
        Assert.Equal(2L, _db.Scalar("SELECT Version FROM OrleansStorage"));

        await grain.Clear();
        Assert.Null(await grain.Load());
        Assert.Equal(0L, _db.Scalar("SELECT count(*) FROM OrleansStorage"));
    }

    [Fact]
    public async Task Job_state_persisted_by_a_grain_lands_in_the_job_table_owned_by_the_silo()
    {
        var job = Jobs.New();

        var etag = await _cluster.Client.GetGrain<IJobStateProbeGrain>(job.Id).Save(job);

        var store = _cluster.GetSiloServiceProvider().GetRequiredService<IJobStore>();
        var stored = await store.ReadAsync(job.Id, TestContext.Current.CancellationToken);
        Assert.Equal("1", etag);
        Assert.Equal(1, stored?.Version);
        Assert.Equal(_cluster.Silos[0].SiloAddress.ToParsableString(), _db.Scalar("SELECT owner FROM jobs"));
    }
}
