using Orleans.Streams;
using OrleansJobs.Streams;

namespace OrleansJobs.Tests.Grains.Streams;

/// <summary>
/// When the job-event queues' receiver reads its queue: at every tick while events come, at every tenth once the queue
/// has been empty for a while, and at every tick again from the moment an event is enqueued here or found there.
/// Counted against a stand-in for Orleans' memory receiver.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class QuietQueueReceiverTests
{
    private const int Quiet = QuietQueueAdapterFactory.QuietAfterPolls;
    private const int Every = QuietQueueAdapterFactory.QuietPollEvery;

    /// <summary>Orleans' receiver as the pulling agent sees it: counts the reads and hands out what is queued.</summary>
    private sealed class CountingReceiver : IQueueAdapterReceiver
    {
        public int Reads { get; private set; }
        public int Queued { get; set; }

        public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

        public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount)
        {
            Reads++;
            IList<IBatchContainer> batch = [.. Enumerable.Repeat<IBatchContainer>(null!, Queued)];
            Queued = 0;
            return Task.FromResult(batch);
        }

        public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

        public Task Shutdown(TimeSpan timeout) => Task.CompletedTask;
    }

    private static async Task<int> TicksAsync(QuietQueueReceiver receiver, CountingReceiver queue, int ticks)
    {
        var before = queue.Reads;
        for (var i = 0; i < ticks; i++) await receiver.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken);
        return queue.Reads - before;
    }

    [Fact]
    public async Task An_empty_queue_is_read_at_every_tick_until_it_is_quiet_then_at_every_tenth()
    {
        var queue = new CountingReceiver();
        var receiver = new QuietQueueReceiver(queue);

        Assert.Equal(Quiet, await TicksAsync(receiver, queue, Quiet));
        Assert.Equal(10, await TicksAsync(receiver, queue, 10 * Every));
    }

    [Fact]
    public async Task An_event_enqueued_here_makes_the_next_tick_read_it_and_every_tick_after_it()
    {
        var queue = new CountingReceiver();
        var receiver = new QuietQueueReceiver(queue);
        await TicksAsync(receiver, queue, Quiet + 3);

        queue.Queued = 1;
        receiver.Wake();
        var batch = await receiver.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken);

        Assert.Single(batch);
        Assert.Equal(Quiet - 1, await TicksAsync(receiver, queue, Quiet - 1));
    }

    [Fact]
    public async Task Events_found_by_a_quiet_read_make_every_tick_read_again()
    {
        var queue = new CountingReceiver();
        var receiver = new QuietQueueReceiver(queue);
        await TicksAsync(receiver, queue, Quiet);

        queue.Queued = 3; // enqueued by another silo: no wake here
        var found = 0;
        for (var i = 0; i < Every; i++) found += (await receiver.GetQueueMessagesAsync(100, TestContext.Current.CancellationToken)).Count;

        Assert.Equal(3, found);
        Assert.Equal(20, await TicksAsync(receiver, queue, 20));
    }

    [Fact]
    public async Task A_queue_with_events_now_and_then_is_never_quiet()
    {
        var queue = new CountingReceiver();
        var receiver = new QuietQueueReceiver(queue);
        for (var round = 0; round < 5; round++)
        {
            Assert.Equal(Quiet - 1, await TicksAsync(receiver, queue, Quiet - 1));
            queue.Queued = 1;
        }
    }
}
