using System.Collections.Concurrent;

namespace OrleansJobs.Server.Live;

/// <summary>Which jobs each hub connection watches, with the registry leases to give back.</summary>
public sealed class HubSubscriptions
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, IAsyncDisposable?>> _byConnection = new(StringComparer.Ordinal);

    /// <summary>How many jobs the connection watches (or is about to).</summary>
    public int Count(string connectionId) => _byConnection.TryGetValue(connectionId, out var jobs) ? jobs.Count : 0;

    /// <summary>Whether the connection already watches the job (or is about to).</summary>
    public bool Contains(string connectionId, string jobId) => _byConnection.TryGetValue(connectionId, out var jobs) && jobs.ContainsKey(jobId);

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
