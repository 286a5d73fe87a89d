using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;
using OrleansJobs.Storage;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// Two real silos in this process on loopback TCP ports and an external client, all on one PostgreSQL database
/// prepared by <see cref="PostgresSchema"/>: the stock ADO.NET clustering, grain storage and reminders
/// (invariant "Npgsql") run on this project's scripts, as in the clustered mode.
/// </summary>
[Trait("Kind", "Silo")]
public sealed class PostgresSchemaClusterTests(PostgresClusterFixture cluster) : IClassFixture<PostgresClusterFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_silos_form_one_cluster_and_a_client_finds_them_as_gateways()
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);

        await Eventually.Until(async () => (await management.GetHosts(onlyActive: true)).Count == 2,
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(200), "both silos active in the management grain's view");

        var rows = await cluster.RowsAsync(
            "SELECT Port, Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster ORDER BY Port", ("cluster", cluster.ClusterId));
        Assert.Equal(cluster.SiloPorts.Order().Select(port => (object)port), rows.Select(row => row[0]));
        Assert.All(rows, row => Assert.Equal(3, row[1])); // SiloStatus.Active
        var version = await cluster.RowsAsync("SELECT Version FROM OrleansMembershipVersionTable WHERE DeploymentId = @cluster", ("cluster", cluster.ClusterId));
        Assert.True((int)version.Single()[0]! >= 4, "two inserts (Joining) and two updates (Active) each moved the version on");
    }

    [Fact]
    public async Task Stock_grain_storage_writes_rereads_after_deactivation_rejects_a_stale_etag_and_deletes()
    {
        var grain = cluster.Client.GetGrain<IPostgresNoteGrain>("note-1");

        Assert.Null(await grain.Load());
        await grain.Save("first");
        await grain.Save("second");
        var activation = await grain.ActivationId();
        await grain.Deactivate();
        await Eventually.Until(async () => await grain.ActivationId() != activation,
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "a new activation");
        Assert.Equal("second", await grain.InMemory());
        Assert.Equal(2, await cluster.StorageVersionAsync("second"));

        // Someone else wrote after this activation read the row: its ETag is stale now.
        await cluster.RowsAsync("UPDATE OrleansStorage SET Version = Version + 1 WHERE convert_from(PayloadBinary, 'UTF8') LIKE '%second%'");
        await Assert.ThrowsAsync<InconsistentStateException>(() => grain.Save("stale"));
        Assert.Equal("second", await grain.Load());
        Assert.Equal(3, await cluster.StorageVersionAsync("second"));

        await grain.Save("third");
        Assert.Equal(4, await cluster.StorageVersionAsync("third"));
        await grain.Clear();
        Assert.Null(await grain.Load());
        Assert.Null(await cluster.StorageVersionAsync("third"));
    }

    [Fact]
    public async Task A_reminder_is_registered_read_back_and_unregistered_through_the_ado_net_provider()
    {
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>("pg-probe");
        const string count = "SELECT count(*) FROM OrleansRemindersTable WHERE ServiceId = @service AND ReminderName = 'nightly'";

        await grain.Register("nightly");
        Assert.True(await grain.Has("nightly"));
        Assert.Equal(["nightly"], await grain.List());
        Assert.Equal(1L, (await cluster.RowsAsync(count, ("service", cluster.ServiceId))).Single()[0]);

        await grain.Register("nightly");
        Assert.Equal(1, (await cluster.RowsAsync("SELECT Version FROM OrleansRemindersTable WHERE ServiceId = @service", ("service", cluster.ServiceId))).Single()[0]);

        await grain.Unregister("nightly");
        Assert.False(await grain.Has("nightly"));
        Assert.Empty(await grain.List());
        Assert.Equal(0L, (await cluster.RowsAsync(count, ("service", cluster.ServiceId))).Single()[0]);
    }
}
