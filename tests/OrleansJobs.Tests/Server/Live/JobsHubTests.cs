using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Client;
using OrleansJobs.Server.Live;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Live;

/// <summary>The hub at <c>/hubs/jobs</c> as any SignalR client sees it: the raw messages, not the .NET client's watch.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class JobsHubTests(SiloHostFixture host) : IAsyncDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly HttpClient _http = new() { BaseAddress = host.BaseAddress };
    private readonly List<HubConnection> _connections = [];

    private JobWatchRegistry Registry => host.Services.GetRequiredService<JobWatchRegistry>();

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections) await connection.DisposeAsync();
        _http.Dispose();
    }

    /// <summary>A connection that collects every <c>JobEvent</c> message as sent (the JSON object).</summary>
    private async Task<(HubConnection Connection, ConcurrentQueue<JsonElement> Events)> ConnectAsync()
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(host.BaseAddress, "hubs/jobs")).Build();
        var events = new ConcurrentQueue<JsonElement>();
        connection.On<JsonElement>("JobEvent", events.Enqueue);
        _connections.Add(connection);
        await connection.StartAsync(Token);
        return (connection, events);
    }

    private Task<JobInfo> SubmitAsync(string type, object payload, SubmitOptions? options = null) =>
        new OrleansJobsClient(_http).SubmitAsync(type, payload, options, Token);

    private Task UntilNoJobIsWatched() =>
        Eventually.Until(() => Task.FromResult(Registry.WatchedJobs == 0), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50),
            $"the silo still holds {Registry.WatchedJobs} job event subscription(s)");

    // Found by the boundary fuzz (BoundaryFuzzTests): Unsubscribe(null) threw on the server ("an unexpected error").
    [Fact]
    public async Task Unsubscribe_from_an_id_that_is_not_one_does_nothing_and_keeps_the_connection()
    {
        var (connection, _) = await ConnectAsync();
        await connection.InvokeAsync("Unsubscribe", (string?)null, TestContext.Current.CancellationToken);
        await connection.InvokeAsync("Unsubscribe", "not-a-job", TestContext.Current.CancellationToken);
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task Subscribe_sends_the_current_state_first_then_the_events_in_increasing_sequence()
    {
        var (connection, events) = await ConnectAsync();
        var job = await SubmitAsync("delay", new DelayPayload("00:00:01", 4));

        await connection.InvokeAsync("Subscribe", job.Id, Token);
        await Eventually.Until(() => Task.FromResult(events.Any(e => e.GetProperty("status").GetString() == "Succeeded")),
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), "no Succeeded event");

        var first = events.First();
        Assert.Equal(job.Id, first.GetProperty("jobId").GetString());
        Assert.Equal("status", first.GetProperty("kind").GetString());
        Assert.True(first.TryGetProperty("at", out _));
        var sequences = events.Select(e => e.GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "progress" && e.GetProperty("percent").GetDouble() == 100);
    }

    [Fact]
    public async Task Unsubscribe_stops_the_events_of_the_job()
    {
        var (leaving, left) = await ConnectAsync();
        var (staying, stayed) = await ConnectAsync();
        var job = await SubmitAsync("delay", new DelayPayload("00:00:02", 10));
        await leaving.InvokeAsync("Subscribe", job.Id, Token);
        await staying.InvokeAsync("Subscribe", job.Id, Token);
        await Eventually.Until(() => Task.FromResult(left.Any(e => e.GetProperty("kind").GetString() == "progress")),
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(20), "no progress before unsubscribing");

        await leaving.InvokeAsync("Unsubscribe", job.Id, Token);
        var seenWhenLeaving = left.Count;
        await Eventually.Until(() => Task.FromResult(stayed.Any(e => e.GetProperty("status").GetString() == "Succeeded")),
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), "the staying connection saw no Succeeded event");
        await Task.Delay(TimeSpan.FromMilliseconds(300), Token); // what was sent to the leaving connection has arrived by now

        Assert.Equal(seenWhenLeaving, left.Count);
        Assert.True(stayed.Count > seenWhenLeaving, "the staying connection saw no more events than the leaving one");
        await staying.InvokeAsync("Unsubscribe", job.Id, Token);
        await UntilNoJobIsWatched();
    }

    [Fact]
    public async Task Disconnecting_releases_the_silos_stream_subscription()
    {
        var (connection, events) = await ConnectAsync();
        var job = await SubmitAsync("delay", new DelayPayload("00:00:01", 1), new SubmitOptions { Delay = TimeSpan.FromHours(1) });

        await connection.InvokeAsync("Subscribe", job.Id, Token);
        Assert.True(Registry.WatchedJobs >= 1);
        // The client runs its handlers apart from the invocation's completion: the event may land just after it.
        await Eventually.Until(() => Task.FromResult(events.Count > 0), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(10), "no current-state event");
        Assert.Equal("Scheduled", Assert.Single(events).GetProperty("status").GetString());
        await connection.StopAsync(Token);

        await UntilNoJobIsWatched();
        await new OrleansJobsClient(_http).CancelAsync(job.Id, Token);
    }

    [Fact]
    public async Task Subscribe_to_an_unknown_job_fails_with_no_job_has_the_id_and_holds_nothing()
    {
        var (connection, events) = await ConnectAsync();
        var id = "job_" + Guid.NewGuid().ToString("N");

        var e = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync("Subscribe", id, Token));

        Assert.Contains($"No job has the id '{id}'", e.Message);
        Assert.Empty(events);
        await UntilNoJobIsWatched();
    }
}
