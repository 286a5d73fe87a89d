using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Live;

/// <summary>
/// What one watcher can cost a silo: a hub connection watches at most <c>OrleansJobs:Live:MaxWatchesPerConnection</c>
/// jobs, and watching a job that does not exist (hub or SSE) writes nothing.
/// </summary>
[Trait("Kind", "Silo")]
public sealed class HubWatchLimitTests : IAsyncLifetime
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly SiloHostFixture _host = new() { Settings = ["--OrleansJobs:Live:MaxWatchesPerConnection=2"] };
    private readonly List<HubConnection> _connections = [];

    public ValueTask InitializeAsync() => _host.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        await _host.DisposeAsync();
    }

    private async Task<HubConnection> ConnectAsync()
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(_host.BaseAddress, "hubs/jobs")).Build();
        _connections.Add(connection);
        await connection.StartAsync(Token);
        return connection;
    }

    private async Task<string> ScheduledJobAsync() =>
        (await new OrleansJobsClient(_host.Http).SubmitAsync("noop", new SubmitOptions { Delay = TimeSpan.FromHours(1) }, Token)).Id;

    /// <summary>Rows of Orleans' own grain storage in the job database, where stream subscriptions are kept.</summary>
    private long GrainStorageRows()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(_host.DataDirectory, "orleansjobs.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM OrleansStorage";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_connection_watches_at_most_the_configured_number_of_jobs()
    {
        var ids = new[] { await ScheduledJobAsync(), await ScheduledJobAsync(), await ScheduledJobAsync() };
        var connection = await ConnectAsync();
        await connection.InvokeAsync("Subscribe", ids[0], Token);
        await connection.InvokeAsync("Subscribe", ids[1], Token);

        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("Subscribe", ids[2], Token));
        Assert.Contains("OrleansJobs:Live:MaxWatchesPerConnection", refused.Message);
        await connection.InvokeAsync("Subscribe", ids[1], Token); // watched already: no new watch, no refusal

        // The limit is per connection, and a watch given back makes room.
        var other = await ConnectAsync();
        await other.InvokeAsync("Subscribe", ids[2], Token);
        await connection.InvokeAsync("Unsubscribe", ids[0], Token);
        await connection.InvokeAsync("Subscribe", ids[2], Token);
    }

    [Fact]
    public async Task Watching_a_job_that_does_not_exist_writes_nothing()
    {
        var connection = await ConnectAsync();
        var before = GrainStorageRows();
        for (var i = 0; i < 5; i++)
        {
            var id = "job_" + Guid.NewGuid().ToString("N");
            await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("Subscribe", id, Token));
            using var events = await _host.Http.GetAsync($"/api/jobs/{id}/events", Token);
            Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        }
        Assert.Equal(before, GrainStorageRows());

        // The count does see a watch: one of a job that exists subscribes its stream, which is stored.
        await connection.InvokeAsync("Subscribe", await ScheduledJobAsync(), Token);
        Assert.True(GrainStorageRows() > before, "watching a job that exists stored no stream subscription");
    }
}
