using OrleansJobs.Queues;
using OrleansJobs.Workers;

namespace OrleansJobs.Server.Api;

/// <summary>
/// A worker's lease request (<c>POST /api/workers/lease</c>), apart from HTTP: ready jobs are taken from the worker
/// pools of the asked types (<see cref="IWorkerPoolGrain"/>), waiting there (no thread held) until one is offered or
/// the wait passes, and each is leased by its own grain (<see cref="IJobLeaseGrain.Lease"/>), which asks its queue first.
/// A job taken but not leased to this worker (more than it asked for, the request gone, a failed call) is offered again.
/// </summary>
internal sealed class WorkerLeases(IGrainFactory grains, TimeProvider time, ILogger<WorkerLeases> logger)
{
    /// <summary>Longest wait a single grain call may take: Orleans' response timeout is 30 s.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(20);

    public async Task<IReadOnlyList<LeaseGrant>> LeaseAsync(string worker, IReadOnlyList<string> types, int max, TimeSpan wait, TimeSpan lease, CancellationToken aborted)
    {
        var deadline = time.GetUtcNow() + wait;
        var requestId = Guid.NewGuid().ToString("N");
        // Starts at a random type, so that a worker of several types does not always drain the first one first.
        var first = Random.Shared.Next(types.Count);
        IReadOnlyList<string> order = [.. types.Skip(first), .. types.Take(first)];
        var granted = new List<LeaseGrant>();
        while (true)
        {
            var taken = new List<(string Type, QueueTicket Job)>();
            foreach (var type in order)
            {
                if (taken.Count >= max) break;
                taken.AddRange((await Pool(type).Take(requestId, max - taken.Count, TimeSpan.Zero)).Select(job => (type, job)));
            }
            var left = deadline - time.GetUtcNow();
            if (taken.Count == 0 && left > TimeSpan.Zero && !aborted.IsCancellationRequested)
                taken = await WaitAsync(requestId, order, max, left < WaitSlice ? left : WaitSlice, aborted);
            granted.AddRange(await GrantAsync(taken, max, worker, lease, aborted));
            if (granted.Count > 0 || time.GetUtcNow() >= deadline || aborted.IsCancellationRequested) return granted;
        }
    }

    /// <summary>Waits in every asked pool at once; the first to answer with jobs ends the others' waits.</summary>
    private async Task<List<(string Type, QueueTicket Job)>> WaitAsync(string requestId, IReadOnlyList<string> types, int max, TimeSpan wait, CancellationToken aborted)
    {
        var calls = types.Select(type => (Type: type, Jobs: TakeOrNothingAsync(type, requestId, max, wait))).ToList();
        var pending = calls.Select(c => (Task)c.Jobs).ToList();
        var gone = Task.Delay(Timeout.Infinite, aborted).ContinueWith(_ => { }, TaskScheduler.Default);
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny([.. pending, gone]);
            if (done == gone || calls.Any(c => c.Jobs.IsCompletedSuccessfully && c.Jobs.Result.Length > 0)) break;
            pending.Remove(done);
        }
        await Task.WhenAll(types.Select(type => Pool(type).Withdraw(requestId)));
        var taken = new List<(string Type, QueueTicket Job)>();
        foreach (var (type, jobs) in calls) taken.AddRange((await jobs).Select(job => (type, job)));
        return taken;
    }

    private async Task<QueueTicket[]> TakeOrNothingAsync(string type, string requestId, int max, TimeSpan wait)
    {
        try
        {
            return await Pool(type).Take(requestId, max, wait);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Worker pool {JobType} did not answer a lease request", type);
            return [];
        }
    }

    /// <summary>Leases up to <paramref name="max"/> of <paramref name="taken"/> to the worker; the rest go back to their pools.</summary>
    private async Task<IReadOnlyList<LeaseGrant>> GrantAsync(List<(string Type, QueueTicket Job)> taken, int max, string worker, TimeSpan lease, CancellationToken aborted)
    {
        var leases = taken.Select((job, i) => i < max && !aborted.IsCancellationRequested ? LeaseOrOfferAsync(job.Type, job.Job, worker, lease) : OfferAsync(job.Type, job.Job));
        return [.. (await Task.WhenAll(leases)).OfType<LeaseGrant>()];
    }

    private async Task<LeaseGrant?> LeaseOrOfferAsync(string type, QueueTicket job, string worker, TimeSpan lease)
    {
        try
        {
            return await grains.GetGrain<IJobLeaseGrain>(job.JobId).Lease(worker, Guid.NewGuid().ToString("N"), lease);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not lease job {JobId} to worker {Worker}; it is offered again", job.JobId, worker);
            return await OfferAsync(type, job);
        }
    }

    private async Task<LeaseGrant?> OfferAsync(string type, QueueTicket job)
    {
        try
        {
            await Pool(type).Offer(job);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not offer job {JobId} again; the sweeper does", job.JobId);
        }
        return null;
    }

    private IWorkerPoolGrain Pool(string type) => grains.GetGrain<IWorkerPoolGrain>(type);
}
