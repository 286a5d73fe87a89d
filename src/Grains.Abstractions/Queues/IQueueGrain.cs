using Orleans.Concurrency;

namespace OrleansJobs.Queues;

/// <summary>
/// One per limited or paused queue name: hands out the queue's slots across the cluster. What it holds in memory (who
/// has a slot, who waits) is rebuilt from the job table whenever it activates, so it is never persisted.
/// </summary>
public interface IQueueGrain : IGrainWithStringKey
{
    /// <summary>
    /// Asks for a slot. True: the job may start now. False: it waits (and stays Queued); the queue calls
    /// <see cref="Jobs.IJobGrain.Wake"/> when it is its turn, and the job asks again, which is then granted.
    /// </summary>
    Task<bool> Acquire(QueueTicket ticket);

    /// <summary>The job's attempt ended (any outcome) or it stopped waiting: its slot or place goes to the next one.</summary>
    Task Release(string jobId);

    /// <summary>The queue's settings changed (sent by the directory).</summary>
    Task Apply(QueueSettings settings);

    [AlwaysInterleave, ReadOnly]
    Task<QueueRuntime> GetRuntime();
}
