using Orleans.Streams;

namespace OrleansJobs.Streams;

/// <summary>
/// A job-event queue's receiver that stops asking an empty queue at every tick of its pulling agent. After
/// <see cref="QuietQueueAdapterFactory.QuietAfterPolls"/> empty polls in a row the queue counts as quiet, and only
/// every <see cref="QuietQueueAdapterFactory.QuietPollEvery"/>th tick reads it; a poll that finds events, or an event
/// this silo enqueues to it (<see cref="Wake"/>), makes every tick read it again. The ticks that skip the read cost no
/// grain call: on an idle silo that is almost all of the event queues' work.
/// </summary>
public sealed class QuietQueueReceiver(IQueueAdapterReceiver inner) : IQueueAdapterReceiver
{
    private static readonly IList<IBatchContainer> Nothing = Array.Empty<IBatchContainer>();

    private int _emptyPolls;
    private int _skipped;
    private volatile bool _woken;

    /// <summary>Reads the queue at the next tick and every one after it until it is quiet again: an event is on its way.</summary>
    public void Wake() => _woken = true;

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken) => inner.Initialize(timeout, cancellationToken);

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (_woken)
        {
            _woken = false;
            _emptyPolls = 0;
        }
        else if (_emptyPolls >= QuietQueueAdapterFactory.QuietAfterPolls && ++_skipped < QuietQueueAdapterFactory.QuietPollEvery)
        {
            return Nothing;
        }
        _skipped = 0;
        var messages = await inner.GetQueueMessagesAsync(maxCount, cancellationToken);
        _emptyPolls = messages is { Count: > 0 } ? 0 : Math.Min(_emptyPolls + 1, QuietQueueAdapterFactory.QuietAfterPolls);
        return messages;
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        inner.MessagesDeliveredAsync(messages, cancellationToken);

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken) => inner.Shutdown(timeout, cancellationToken);
}
