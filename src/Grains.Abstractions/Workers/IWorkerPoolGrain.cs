using Orleans.Concurrency;
using OrleansJobs.Queues;

namespace OrleansJobs.Workers;

/// <summary>
/// One per external job type: the jobs of the type ready for a worker, and the workers' lease requests waiting for
/// them. Holds tickets only (id, priority, submit time), in memory: a job that is lost from it is offered again when its
/// grain is next woken.
/// </summary>
public interface IWorkerPoolGrain : IGrainWithStringKey
{
    /// <summary>A job of this type is Queued and may be leased. Repeats are ignored.</summary>
    [AlwaysInterleave]
    Task Offer(QueueTicket job);

    /// <summary>
    /// Up to <paramref name="max"/> ready jobs for request <paramref name="requestId"/>, best first as a queue orders its
    /// waiters (highest effective priority, then oldest): at once when some are ready, otherwise as soon as one is
    /// offered, or none when <paramref name="wait"/> passes or the request is withdrawn.
    /// </summary>
    [AlwaysInterleave]
    Task<QueueTicket[]> Take(string requestId, int max, TimeSpan wait);

    /// <summary>Ends request <paramref name="requestId"/>'s wait at once (it was served elsewhere).</summary>
    [AlwaysInterleave]
    Task Withdraw(string requestId);
}
