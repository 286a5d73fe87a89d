using System.Collections.Concurrent;
using System.Collections.Immutable;
using Orleans.Streams;
using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Live;

/// <summary>
/// This silo's watchers of job events (hub connections, SSE responses). Each watched job has one Orleans stream
/// subscription on this silo, shared by all its local watchers, made when the first one arrives and dropped when
/// the last one leaves. A stream delivers events from whichever silo runs the job, so a watcher here sees jobs
/// running anywhere in the cluster.
/// </summary>
public sealed class JobWatchRegistry(IClusterClient cluster, ILogger<JobWatchRegistry> logger)
{
    // Subscribing and unsubscribing one job are serialized; different jobs proceed in parallel.
    private readonly SemaphoreSlim[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];
    private readonly ConcurrentDictionary<string, Watch> _watches = new(StringComparer.Ordinal);

    /// <summary>Jobs with at least one watcher on this silo (= stream subscriptions held).</summary>
    public int WatchedJobs => _watches.Count;

    /// <summary>
    /// Calls <paramref name="onEvent"/> with every event of the job from now on, until the returned lease is disposed.
    /// Events arrive in sequence order; the callback should be quick (it holds up the job's other watchers here).
    /// </summary>
    public async Task<IAsyncDisposable> WatchAsync(string jobId, Func<JobEvent, Task> onEvent, CancellationToken cancellationToken = default)
    {
        var watcher = new Watcher(onEvent);
        var gate = LockOf(jobId);
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!_watches.TryGetValue(jobId, out var watch))
            {
                watch = new Watch(logger);
                var stream = cluster.GetStreamProvider(JobStreams.Provider).GetStream<JobEvent>(StreamId.Create(JobStreams.Namespace, jobId));
                watch.Subscription = await stream.SubscribeAsync((jobEvent, _) => watch.DispatchAsync(jobEvent));
                _watches[jobId] = watch;
            }

            watch.Add(watcher);
        }
        finally
        {
            gate.Release();
        }

        return new Lease(this, jobId, watcher);
    }

    private async Task ReleaseAsync(string jobId, Watcher watcher)
    {
        var gate = LockOf(jobId);
        await gate.WaitAsync();
        try
        {
            if (!_watches.TryGetValue(jobId, out var watch) || !watch.Remove(watcher) || !watch.IsEmpty) return;
            _watches.TryRemove(jobId, out _);
            try
            {
                await watch.Subscription!.UnsubscribeAsync();
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not drop the event subscription of job {JobId}", jobId);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private SemaphoreSlim LockOf(string jobId) => _locks[(int)((uint)StringComparer.Ordinal.GetHashCode(jobId) % (uint)_locks.Length)];

    private sealed record Watcher(Func<JobEvent, Task> OnEvent);

    private sealed class Watch(ILogger logger)
    {
        // Copy-on-write: dispatch reads it without a lock while watchers come and go (under the job's lock).
        private ImmutableArray<Watcher> _watchers = [];

        public StreamSubscriptionHandle<JobEvent>? Subscription { get; set; }

        public bool IsEmpty => _watchers.IsEmpty;

        public void Add(Watcher watcher) => _watchers = _watchers.Add(watcher);

        public bool Remove(Watcher watcher)
        {
            var before = _watchers.Length;
            _watchers = _watchers.Remove(watcher, ReferenceEqualityComparer.Instance);
            return _watchers.Length < before;
        }

        /// <summary>
        /// Hands the event to every watcher at once and waits for all: the stream delivers the job's next event only
        /// after this one, which keeps each watcher's events in order, and one slow connection delays the job's other
        /// watchers by its own send time rather than by the sum of all of them.
        /// </summary>
        public Task DispatchAsync(JobEvent jobEvent)
        {
            var watchers = _watchers;
            return watchers.Length == 1 ? DeliverAsync(watchers[0], jobEvent) : Task.WhenAll(watchers.Select(w => DeliverAsync(w, jobEvent)));
        }

        private async Task DeliverAsync(Watcher watcher, JobEvent jobEvent)
        {
            try
            {
                await watcher.OnEvent(jobEvent);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "A watcher of job {JobId} failed to take event {Sequence}", jobEvent.JobId, jobEvent.Sequence);
            }
        }
    }

    private sealed class Lease(JobWatchRegistry registry, string jobId, Watcher watcher) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(registry.ReleaseAsync(jobId, watcher)) : ValueTask.CompletedTask;
    }
}
