using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using OrleansJobs.Jobs;

namespace OrleansJobs.Silo.Live;

/// <summary>What the hub sends: PRODUCT.md's <c>JobEvent</c> message.</summary>
/// <param name="Kind"><c>status</c> or <c>progress</c>.</param>
/// <param name="Status">The job's status, named as in the HTTP API (<c>Running</c>, <c>Succeeded</c>…).</param>
public sealed record JobEventMessage(string JobId, long Sequence, string Kind, string Status, double? Percent, string? Message, DateTimeOffset At)
{
    public static JobEventMessage From(JobEvent e) =>
        new(e.JobId, e.Sequence, e.Kind == JobEventKind.Progress ? "progress" : "status", e.Status.ToString(), e.Percent, e.Message, e.At);
}

/// <summary>The methods the hub calls on its clients.</summary>
public interface IJobsHubClient
{
    Task JobEvent(JobEventMessage jobEvent);
}

/// <summary>
/// <c>/hubs/jobs</c>: <c>Subscribe(jobId)</c> sends the job's current state, then its live events; <c>Unsubscribe(jobId)</c>
/// stops them; disconnecting stops all. Each connection receives a job's events in increasing sequence with no
/// repeats: the current state and the live events are merged by sequence (see <see cref="OrderedSender"/>).
/// </summary>
public sealed class JobsHub(IGrainFactory grains, JobWatchRegistry registry, HubSubscriptions subscriptions, IHubContext<JobsHub, IJobsHubClient> hub)
    : Hub<IJobsHubClient>
{
    public async Task Subscribe(string jobId)
    {
        if (!JobIds.IsValid(jobId)) throw NotFound(jobId);
        var connectionId = Context.ConnectionId;
        var sender = new OrderedSender(e => hub.Clients.Client(connectionId).JobEvent(JobEventMessage.From(e)));
        if (!subscriptions.TryReserve(connectionId, jobId)) return; // already subscribed
        try
        {
            // Watch first, then read the state: an event published in between reaches us either way.
            var lease = await registry.WatchAsync(jobId, sender.SendAsync, Context.ConnectionAborted);
            subscriptions.Attach(connectionId, jobId, lease);
            var state = await grains.GetGrain<IJobGrain>(jobId).Watch();
            if (state is null) throw NotFound(jobId);
            await sender.SendAsync(JobEvent.Snapshot(state));
        }
        catch
        {
            await subscriptions.RemoveAsync(connectionId, jobId);
            throw;
        }
    }

    public Task Unsubscribe(string jobId) => subscriptions.RemoveAsync(Context.ConnectionId, jobId);

    public override Task OnDisconnectedAsync(Exception? exception) => subscriptions.RemoveAllAsync(Context.ConnectionId);

    private static HubException NotFound(string jobId) => new($"No job has the id '{jobId}'.");
}

/// <summary>Sends one connection's events of one job in increasing sequence, dropping any it has already passed.</summary>
public sealed class OrderedSender(Func<JobEvent, Task> send)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _last = -1;

    public async Task SendAsync(JobEvent jobEvent)
    {
        await _gate.WaitAsync();
        try
        {
            if (jobEvent.Sequence <= _last) return;
            _last = jobEvent.Sequence;
            await send(jobEvent);
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>Which jobs each hub connection watches, with the registry leases to give back.</summary>
public sealed class HubSubscriptions
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IAsyncDisposable?>> _byConnection = new(StringComparer.Ordinal);

    public bool TryReserve(string connectionId, string jobId) =>
        _byConnection.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal)).TryAdd(jobId, null);

    public void Attach(string connectionId, string jobId, IAsyncDisposable lease)
    {
        if (_byConnection.TryGetValue(connectionId, out var jobs) && jobs.TryUpdate(jobId, lease, null)) return;
        _ = lease.DisposeAsync(); // unsubscribed or disconnected meanwhile
    }

    public async Task RemoveAsync(string connectionId, string jobId)
    {
        if (_byConnection.TryGetValue(connectionId, out var jobs) && jobs.TryRemove(jobId, out var lease) && lease is not null)
            await lease.DisposeAsync();
    }

    public async Task RemoveAllAsync(string connectionId)
    {
        if (!_byConnection.TryRemove(connectionId, out var jobs)) return;
        foreach (var lease in jobs.Values)
            if (lease is not null) await lease.DisposeAsync();
    }
}
