using System.Collections.Concurrent;
using Orleans.Runtime;
using Orleans.Streams;

namespace OrleansJobs.Streams;

/// <summary>
/// The job-event stream provider's queues (Orleans' memory streams) with receivers that poll a quiet queue less often
/// (<see cref="QuietQueueReceiver"/>). Orleans' pulling agent reads every queue at a fixed period, 10 ms here for live
/// progress (<c>OrleansJobs:EventPollInterval</c>), and each read is a grain call, events or not: an idle silo made
/// 400 of them a second. Once a queue has been empty for <see cref="QuietAfterPolls"/> reads it is read at every
/// <see cref="QuietPollEvery"/>th tick only, until it has events again. An event this silo enqueues wakes its
/// receiver when the queue's agent is here, so on one silo the first event after a quiet spell is as quick as any; one
/// enqueued by another silo waits at most <see cref="QuietPollEvery"/> ticks (100 ms at the default interval, Orleans'
/// own default period).
/// </summary>
public sealed class QuietQueueAdapterFactory(IQueueAdapterFactory inner) : IQueueAdapterFactory, IQueueAdapter
{
    /// <summary>Empty reads in a row after which a queue is quiet (one second at 10 ms).</summary>
    public const int QuietAfterPolls = 100;

    /// <summary>A quiet queue is read at every this many ticks of its agent.</summary>
    public const int QuietPollEvery = 10;

    private readonly ConcurrentDictionary<QueueId, QuietQueueReceiver> _receivers = new();
    private IQueueAdapter? _adapter;

    private IQueueAdapter Adapter => _adapter ?? throw new InvalidOperationException("The adapter is used before it was created.");

    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        _adapter ??= await inner.CreateAdapter(cancellationToken);
        return this;
    }

    public IQueueAdapterCache GetQueueAdapterCache() => inner.GetQueueAdapterCache();

    public IStreamQueueMapper GetStreamQueueMapper() => inner.GetStreamQueueMapper();

    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => inner.GetDeliveryFailureHandler(queueId);

    public string Name => Adapter.Name;

    public bool IsRewindable => Adapter.IsRewindable;

    public StreamProviderDirection Direction => Adapter.Direction;

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        await Adapter.QueueMessageBatchAsync(streamId, events, token, requestContext);
        if (_receivers.TryGetValue(inner.GetStreamQueueMapper().GetQueueForStream(streamId), out var receiver)) receiver.Wake();
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId) =>
        _receivers[queueId] = new QuietQueueReceiver(Adapter.CreateReceiver(queueId));
}
