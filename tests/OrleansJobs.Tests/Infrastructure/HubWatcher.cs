using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>A real SignalR connection to a silo's <c>/hubs/jobs</c> that records every job event it receives.</summary>
public sealed class HubWatcher : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentDictionary<string, List<JobEventMessage>> _events = new();

    private HubWatcher(HubConnection connection)
    {
        _connection = connection;
        _connection.On<JobEventMessage>("JobEvent", e =>
        {
            var list = _events.GetOrAdd(e.JobId, _ => []);
            lock (list) list.Add(e);
        });
    }

    public static async Task<HubWatcher> ConnectAsync(SiloProcess silo)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(silo.Http.BaseAddress!, "hubs/jobs")).Build();
        await connection.StartAsync(TestContext.Current.CancellationToken);
        return new HubWatcher(connection);
    }

    public Task SubscribeAsync(string jobId) => _connection.InvokeAsync("Subscribe", jobId, TestContext.Current.CancellationToken);

    public IReadOnlyList<JobEventMessage> EventsOf(string jobId)
    {
        if (!_events.TryGetValue(jobId, out var list)) return [];
        lock (list) return [.. list];
    }

    public async Task UntilAllFinishedAsync(IEnumerable<string> jobIds, TimeSpan timeout)
    {
        var ids = jobIds.ToList();
        try
        {
            await Eventually.Until(() => Task.FromResult(ids.All(Finished)), timeout, TimeSpan.FromMilliseconds(100), "the hub watcher did not see every watched job finish");
        }
        catch (TimeoutException ex)
        {
            // Which jobs, and what the watcher did see of them: a missing last event and one out of order look alike otherwise.
            var unfinished = ids.Where(id => !Finished(id)).Select(id => $"{id}: [{string.Join(", ", EventsOf(id).TakeLast(6).Select(e => $"{e.Sequence} {e.Kind} {e.Status} {e.Percent}"))}]");
            throw new TimeoutException($"{ex.Message}; unfinished: {string.Join("; ", unfinished)}", ex);
        }
    }

    private bool Finished(string jobId) => EventsOf(jobId) is [.., { Kind: "status", Status: "Succeeded" or "Failed" or "Cancelled" }];

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
