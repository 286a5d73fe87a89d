using Microsoft.AspNetCore.SignalR;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.Live;

/// <summary>
/// <c>/hubs/jobs</c>: <c>Subscribe(jobId)</c> sends the job's current state, then its live events; <c>Unsubscribe(jobId)</c>
/// stops them; disconnecting stops all. Each connection receives a job's events in increasing sequence with no
/// repeats: the current state and the live events are merged by sequence (see <see cref="OrderedSender"/>).
/// </summary>
public sealed class JobsHub(IGrainFactory grains, JobWatchRegistry registry, HubSubscriptions subscriptions, IHubContext<JobsHub, IJobsHubClient> hub,
    JobVisibility visibility)
    : Hub<IJobsHubClient>
{
    public async Task Subscribe(string jobId)
    {
        if (!JobIds.IsValid(jobId) || !await visibility.MaySeeAsync(jobId, JobCaller.Of(Context.User!))) throw NotFound(jobId);
        var connectionId = Context.ConnectionId;
        var sender = new OrderedSender(e => hub.Clients.Client(connectionId).JobEvent(JobEventMessage.From(e)));
        if (!subscriptions.TryReserve(connectionId, jobId)) return; // already subscribed
        try
        {
            // Watch first, then read the state: an event published in between reaches us either way.
            var lease = await registry.WatchAsync(jobId, sender.SendAsync, Context.ConnectionAborted);
            subscriptions.Attach(connectionId, jobId, lease);
            var state = await grains.GetGrain<IJobGrain>(jobId).Watch();
            if (state is null) throw NotFound(jobId);
            await sender.SendAsync(JobEvent.Snapshot(state));
        }
        catch
        {
            await subscriptions.RemoveAsync(connectionId, jobId);
            throw;
        }
    }

    public Task Unsubscribe(string jobId) => subscriptions.RemoveAsync(Context.ConnectionId, jobId);

    public override Task OnDisconnectedAsync(Exception? exception) => subscriptions.RemoveAllAsync(Context.ConnectionId);

    private static HubException NotFound(string jobId) => new($"No job has the id '{jobId}'.");
}
