using System.Net;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace OrleansJobs.Client;

/// <summary>
/// A client's one connection to the service's hub (<c>/hubs/jobs</c>), made on first use and shared by every watch.
/// Each watched job is subscribed once however many watches it has. When the connection drops it reconnects on its own
/// and subscribes every watched job again; the service then sends each job's current state first, so nothing is missed.
/// When reconnecting gives up, the connection's watches end as lost and start over on a new connection.
/// </summary>
internal sealed class JobHubConnection(Uri hub, string? apiKey) : IAsyncDisposable
{
    // The hub's contract, as the README's "Watching jobs live" describes it.
    private const string SubscribeMethod = "Subscribe";
    private const string UnsubscribeMethod = "Unsubscribe";
    private const string EventMethod = "JobEvent";
    private const string NotFoundMessage = "No job has the id";

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private volatile Session? _session;
    private volatile bool _disposed;

    /// <summary>The hub's address.</summary>
    public Uri Hub => hub;

    /// <summary>Starts receiving a job's events; the first is its current state.</summary>
    /// <exception cref="JobNotFoundException">No job has the id.</exception>
    /// <exception cref="JobEventsUnavailableException">The hub cannot be reached.</exception>
    /// <exception cref="ObjectDisposedException">The client has been disposed.</exception>
    public async Task<Subscription> SubscribeAsync(string jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var session = await SessionAsync(cancellationToken).ConfigureAwait(false);
            if (session.Join(jobId) is not { } subscription)
                continue; // lost between the two calls: a new connection
            try
            {
                await session.SubscribeAsync(subscription.Feed, cancellationToken).ConfigureAwait(false);
                return subscription;
            }
            catch
            {
                await subscription.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _connecting.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_session is not { } session) return;
            await session.Connection.DisposeAsync().ConfigureAwait(false);
            session.Close();
        }
        finally
        {
            _connecting.Release();
        }
    }

    private async Task<Session> SessionAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_session is { IsClosed: false } current) return current;
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_session is { IsClosed: false } made) return made;
            var connection = new HubConnectionBuilder()
                .WithUrl(hub, options =>
                {
                    if (apiKey is { Length: > 0 }) options.Headers[OrleansJobsClient.ApiKeyHeader] = apiKey;
                })
                .AddJsonProtocol(json => json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
                .WithAutomaticReconnect()
                .Build();
            var session = new Session(connection);
            try
            {
                await connection.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested) throw;
                throw new JobEventsUnavailableException(hub, failure);
            }
            _session = session;
            return session;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>One hub connection (across its automatic reconnects) and the jobs watched on it.</summary>
    internal sealed class Session
    {
        private readonly Dictionary<string, Feed> _feeds = new(StringComparer.Ordinal);
        private bool _closed;

        public Session(HubConnection connection)
        {
            Connection = connection;
            connection.On<JobEvent>(EventMethod, Dispatch);
            connection.Reconnected += newConnectionId =>
            {
                _ = ResubscribeAsync(); // not awaited: the connection waits for its Reconnected handlers
                return Task.CompletedTask;
            };
            connection.Closed += _ =>
            {
                Close();
                return Task.CompletedTask;
            };
        }

        public HubConnection Connection { get; }

        public bool IsClosed
        {
            get
            {
                lock (_feeds) return _closed;
            }
        }

        /// <summary>Adds a watch of the job, or returns null when the connection is lost.</summary>
        public Subscription? Join(string jobId)
        {
            lock (_feeds)
            {
                if (_closed) return null;
                if (!_feeds.TryGetValue(jobId, out var feed)) _feeds[jobId] = feed = new Feed(jobId);
                var subscription = new Subscription(this, feed);
                feed.Subscriptions.Add(subscription);
                // Another watch already subscribed the job: its latest event is the current state to start from.
                if (feed.Latest is { } latest) subscription.Post(latest);
                return subscription;
            }
        }

        /// <summary>Makes sure the service sends the job's events to this connection (as it is now, after any reconnect).</summary>
        public async Task SubscribeAsync(Feed feed, CancellationToken cancellationToken)
        {
            await feed.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var connectionId = Connection.ConnectionId;
                if (connectionId is null || feed.SubscribedOn == connectionId) return;
                await Connection.InvokeAsync(SubscribeMethod, feed.JobId, cancellationToken).ConfigureAwait(false);
                feed.SubscribedOn = connectionId;
            }
            catch (HubException e) when (e.Message.Contains(NotFoundMessage, StringComparison.Ordinal))
            {
                throw new JobNotFoundException(new JobProblem(HttpStatusCode.NotFound, null, "Job not found", e.Message, null), feed.JobId);
            }
            catch (Exception e) when (e is not HubException && !cancellationToken.IsCancellationRequested)
            {
                // The connection dropped: once it is back, Reconnected subscribes again; if it is not, Closed ends the watch.
            }
            finally
            {
                feed.Gate.Release();
            }
        }

        public async Task LeaveAsync(Subscription subscription)
        {
            var feed = subscription.Feed;
            lock (_feeds)
            {
                if (!feed.Subscriptions.Remove(subscription) || feed.Subscriptions.Count > 0) return;
            }
            // Under the job's gate, so that a watch arriving meanwhile subscribes after this unsubscribe, not before it.
            await feed.Gate.WaitAsync().ConfigureAwait(false);
            try
            {
                lock (_feeds)
                {
                    if (feed.Subscriptions.Count > 0 || _closed) return;
                }
                try
                {
                    await Connection.InvokeAsync(UnsubscribeMethod, feed.JobId).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Not connected: the service dropped the subscription with the connection.
                }
                feed.SubscribedOn = null;
                lock (_feeds)
                {
                    if (feed.Subscriptions.Count == 0) _feeds.Remove(feed.JobId);
                }
            }
            finally
            {
                feed.Gate.Release();
            }
        }

        /// <summary>Ends every watch on this connection as lost: it is gone for good.</summary>
        public void Close()
        {
            lock (_feeds)
            {
                _closed = true;
                foreach (var subscription in _feeds.Values.SelectMany(feed => feed.Subscriptions))
                    subscription.Lose();
                _feeds.Clear();
            }
        }

        private void Dispatch(JobEvent jobEvent)
        {
            lock (_feeds)
            {
                if (!_feeds.TryGetValue(jobEvent.JobId, out var feed)) return;
                if (feed.Latest is null || jobEvent.Sequence > feed.Latest.Sequence) feed.Latest = jobEvent;
                foreach (var subscription in feed.Subscriptions)
                    subscription.Post(jobEvent);
            }
        }

        private async Task ResubscribeAsync()
        {
            Feed[] feeds;
            lock (_feeds) feeds = [.. _feeds.Values];
            foreach (var feed in feeds)
            {
                try
                {
                    await SubscribeAsync(feed, CancellationToken.None).ConfigureAwait(false);
                }
                catch (JobNotFoundException)
                {
                    // Cannot happen to a job that was watched (jobs are not deleted); its watches wait for the next state.
                }
            }
        }
    }

    /// <summary>One watched job on a connection: its watches, its latest event, and on which connection id it is subscribed.</summary>
    internal sealed class Feed(string jobId)
    {
        public string JobId { get; } = jobId;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public List<Subscription> Subscriptions { get; } = [];

        public JobEvent? Latest { get; set; }

        public string? SubscribedOn { get; set; }
    }

    /// <summary>One watch of a job: the events the hub sent for it, in the order it sent them.</summary>
    internal sealed class Subscription : IAsyncDisposable
    {
        private readonly Channel<JobEvent> _events = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Session _session;
        private int _disposed;

        public Subscription(Session session, Feed feed) => (_session, Feed) = (session, feed);

        public Feed Feed { get; }

        /// <summary>The next event, or null once the connection is lost for good.</summary>
        public async ValueTask<JobEvent?> NextAsync(CancellationToken cancellationToken)
        {
            while (await _events.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                if (_events.Reader.TryRead(out var next)) return next;
            return null;
        }

        public void Post(JobEvent jobEvent) => _events.Writer.TryWrite(jobEvent);

        public void Lose() => _events.Writer.TryComplete();

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? new ValueTask(_session.LeaveAsync(this)) : ValueTask.CompletedTask;
    }
}
