using System.Collections.Immutable;
using Orleans.Concurrency;

namespace OrleansJobs.Queues;

/// <summary>
/// The settings of every configured queue, in one grain (key 0) and one storage row: a PUT is one write, and each silo
/// keeps a copy fresh with one call every couple of seconds.
/// </summary>
public interface IQueueDirectoryGrain : IGrainWithIntegerKey
{
    [AlwaysInterleave, ReadOnly]
    Task<ImmutableDictionary<string, QueueSettings>> GetAll();

    /// <summary>Stores the queue's settings (unlimited ones remove it) and passes them on to its queue grain.</summary>
    Task<QueueSettings> Configure(string queue, QueueSettings settings);
}
