using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;
using OrleansJobs.Streams;

namespace OrleansJobs.Tests.Grains.Streams;

/// <summary>
/// The quiet queues' adapter: an event enqueued here wakes the receiver of the queue its stream maps to, and that one
/// only. Over Orleans' own hash-ring mapper with four queues, and a stand-in for the memory adapter that counts reads.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class QuietQueueAdapterFactoryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Orleans' memory adapter as the decorator sees it: its queues' reads counted, never any event.</summary>
    private sealed class CountingAdapter(IStreamQueueMapper mapper) : IQueueAdapterFactory, IQueueAdapter
    {
        public Dictionary<QueueId, int> Reads { get; } = [];
        public int Enqueued { get; private set; }

        public Task<IQueueAdapter> CreateAdapter() => Task.FromResult<IQueueAdapter>(this);
        public IQueueAdapterCache GetQueueAdapterCache() => throw new NotSupportedException();
        public IStreamQueueMapper GetStreamQueueMapper() => mapper;
        public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) => throw new NotSupportedException();
        public string Name => "job-events";
        public bool IsRewindable => true;
        public StreamProviderDirection Direction => StreamProviderDirection.ReadWrite;

        public Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
        {
            Enqueued++;
            return Task.CompletedTask;
        }

        public IQueueAdapterReceiver CreateReceiver(QueueId queueId) => new Receiver(this, queueId);

        private sealed class Receiver(CountingAdapter adapter, QueueId queue) : IQueueAdapterReceiver
        {
            public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

            public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
            {
                adapter.Reads[queue] = adapter.Reads.GetValueOrDefault(queue) + 1;
                return Task.FromResult<IList<IBatchContainer>>([]);
            }

            public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;
            public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
        }
    }

    [Fact]
    public async Task An_event_enqueued_here_wakes_the_receiver_of_its_streams_queue_and_no_other()
    {
        var mapper = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = 4 }, "job-events");
        var inner = new CountingAdapter(mapper);
        var factory = new QuietQueueAdapterFactory(inner);
        var adapter = await factory.CreateAdapter(Token);
        var receivers = mapper.GetAllQueues().ToDictionary(queue => queue, adapter.CreateReceiver);
        Assert.Equal(4, receivers.Count);
        foreach (var receiver in receivers.Values)
            for (var i = 0; i < QuietQueueAdapterFactory.QuietAfterPolls; i++)
                await receiver.GetQueueMessagesAsync(100, Token);

        var stream = StreamId.Create("job", "job_0123");
        await adapter.QueueMessageBatchAsync(stream, new[] { new object() }, null, null);
        var before = new Dictionary<QueueId, int>(inner.Reads);
        foreach (var receiver in receivers.Values) await receiver.GetQueueMessagesAsync(100, Token);

        var woken = mapper.GetQueueForStream(stream);
        Assert.Equal(1, inner.Enqueued);
        Assert.All(receivers.Keys, queue => Assert.Equal(queue == woken ? 1 : 0, inner.Reads[queue] - before[queue]));
    }
}
