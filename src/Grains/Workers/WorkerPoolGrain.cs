namespace OrleansJobs.Workers;

/// <summary>
/// Hands out one external job type's ready jobs to the workers that ask for them, first come first served: a waiting
/// request is a <see cref="TaskCompletionSource{TResult}"/> (no thread waits), and an offered job goes to the oldest
/// waiting request before anything else. Both lists live in memory only and are bounded: a job dropped from here (the
/// list full, the activation gone) is still Queued in its row, and its grain offers it again when the sweeper next
/// wakes it.
/// </summary>
[GrainType("worker-pool")]
public sealed class WorkerPoolGrain(ILogger<WorkerPoolGrain> logger) : Grain, IWorkerPoolGrain
{
    /// <summary>Ready ids held at most; more are dropped and offered again later.</summary>
    public const int MaxReady = 100_000;

    /// <summary>Lease requests waiting at most; more are answered at once with nothing.</summary>
    public const int MaxWaiting = 10_000;

    private readonly LinkedList<string> _ready = new();
    private readonly HashSet<string> _readyIds = new(StringComparer.Ordinal);
    private readonly LinkedList<Waiter> _waiting = new();

    private sealed record Waiter(string RequestId, TaskCompletionSource<string[]> Jobs);

    Task IWorkerPoolGrain.Offer(string jobId)
    {
        if (_readyIds.Contains(jobId)) return Task.CompletedTask;
        while (_waiting.First is { } oldest)
        {
            _waiting.RemoveFirst();
            if (oldest.Value.Jobs.TrySetResult([jobId])) return Task.CompletedTask;
        }
        if (_ready.Count >= MaxReady)
        {
            logger.LogWarning("Worker pool {JobType} holds {Count} ready jobs; job {JobId} is offered again later", this.GetPrimaryKeyString(), _ready.Count, jobId);
            return Task.CompletedTask;
        }
        _ready.AddLast(jobId);
        _readyIds.Add(jobId);
        return Task.CompletedTask;
    }

    async Task<string[]> IWorkerPoolGrain.Take(string requestId, int max, TimeSpan wait)
    {
        if (_ready.Count > 0) return TakeReady(max);
        if (wait <= TimeSpan.Zero || _waiting.Count >= MaxWaiting) return [];
        var waiter = new Waiter(requestId, new TaskCompletionSource<string[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        var node = _waiting.AddLast(waiter);
        using var timeout = new CancellationTokenSource(wait);
        using var onTimeout = timeout.Token.Register(() => waiter.Jobs.TrySetResult([]));
        var jobs = await waiter.Jobs.Task;
        if (node.List is not null) _waiting.Remove(node);
        return jobs;
    }

    Task IWorkerPoolGrain.Withdraw(string requestId)
    {
        for (var node = _waiting.First; node is not null; node = node.Next)
        {
            if (node.Value.RequestId != requestId) continue;
            _waiting.Remove(node);
            node.Value.Jobs.TrySetResult([]);
            break;
        }
        return Task.CompletedTask;
    }

    private string[] TakeReady(int max)
    {
        var taken = new List<string>(Math.Min(max, _ready.Count));
        while (taken.Count < max && _ready.First is { } first)
        {
            _ready.RemoveFirst();
            _readyIds.Remove(first.Value);
            taken.Add(first.Value);
        }
        return [.. taken];
    }
}
