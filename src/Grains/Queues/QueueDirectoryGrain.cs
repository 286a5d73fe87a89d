using System.Collections.Immutable;

namespace OrleansJobs.Queues;

/// <summary>The settings of every configured queue, persisted in the default grain storage as one row.</summary>
[GrainType("queue-directory")]
public sealed class QueueDirectoryGrain(
    [PersistentState("queues")] IPersistentState<QueueDirectoryState> store,
    ILogger<QueueDirectoryGrain> logger) : Grain, IQueueDirectoryGrain
{
    private ImmutableDictionary<string, QueueSettings>? _all;

    Task<ImmutableDictionary<string, QueueSettings>> IQueueDirectoryGrain.GetAll() =>
        Task.FromResult(_all ??= store.State.Queues.ToImmutableDictionary(StringComparer.Ordinal));

    async Task<QueueSettings> IQueueDirectoryGrain.Configure(string queue, QueueSettings settings)
    {
        var before = store.State.Queues.GetValueOrDefault(queue);
        if (settings.IsFree) store.State.Queues.Remove(queue);
        else store.State.Queues[queue] = settings;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            if (before is null) store.State.Queues.Remove(queue);
            else store.State.Queues[queue] = before;
            throw;
        }

        _all = null;
        try
        {
            await GrainFactory.GetGrain<IQueueGrain>(queue).Apply(settings);
        }
        catch (Exception ex)
        {
            // Stored: the queue grain reads its settings from here on its next check.
            logger.LogWarning(ex, "Queue {Queue} could not be told of its new settings at once", queue);
        }

        return settings;
    }
}
