using Microsoft.Extensions.Options;
using OrleansJobs.Queues;

namespace OrleansJobs.Workers;

/// <summary>
/// Hands out one external job type's ready jobs to the workers that ask for them. A waiting request is a
/// <see cref="TaskCompletionSource{TResult}"/> (no thread waits), and an offered job goes to the oldest waiting request
/// before anything else; jobs that are ready while no request waits are handed out best first, in the order a queue
/// starts its waiters (<see cref="WaitingOrder"/>: priority with ageing, then the oldest). Both lists live in memory only
/// and are bounded: a job dropped from here (the list full, the activation gone) is still Queued in its row, and its
/// grain offers it again when the sweeper next wakes it.
/// </summary>
[GrainType("worker-pool")]
public sealed class WorkerPoolGrain(IOptions<QueueOptions> options, TimeProvider time, ILogger<WorkerPoolGrain> logger) : Grain, IWorkerPoolGrain
{
    /// <summary>Ready jobs held at most; more are dropped and offered again later.</summary>
    public const int MaxReady = 100_000;

    /// <summary>Lease requests waiting at most; more are answered at once with nothing.</summary>
    public const int MaxWaiting = 10_000;

    private readonly Dictionary<string, QueueTicket> _ready = new(StringComparer.Ordinal);
    private readonly LinkedList<Waiter> _waiting = new();

    private sealed record Waiter(string RequestId, TaskCompletionSource<QueueTicket[]> Jobs);

    Task IWorkerPoolGrain.Offer(QueueTicket job)
    {
        if (_ready.ContainsKey(job.JobId)) return Task.CompletedTask;
        while (_waiting.First is { } oldest)
        {
            _waiting.RemoveFirst();
            if (oldest.Value.Jobs.TrySetResult([job])) return Task.CompletedTask;
        }
        if (_ready.Count >= MaxReady)
        {
            logger.LogWarning("Worker pool {JobType} holds {Count} ready jobs; job {JobId} is offered again later", this.GetPrimaryKeyString(), _ready.Count, job.JobId);
            return Task.CompletedTask;
        }
        _ready.Add(job.JobId, job);
        return Task.CompletedTask;
    }

    async Task<QueueTicket[]> IWorkerPoolGrain.Take(string requestId, int max, TimeSpan wait)
    {
        if (_ready.Count > 0) return TakeReady(max);
        if (wait <= TimeSpan.Zero || _waiting.Count >= MaxWaiting) return [];
        var waiter = new Waiter(requestId, new TaskCompletionSource<QueueTicket[]>(TaskCreationOptions.RunContinuationsAsynchronously));
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

    private QueueTicket[] TakeReady(int max)
    {
        QueueTicket[] taken = [.. WaitingOrder.InOrder(_ready.Values, time.GetUtcNow(), options.Value.AgeingInterval).Take(max)];
        foreach (var job in taken) _ready.Remove(job.JobId);
        return taken;
    }
}
