using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.Live;

/// <summary>
/// <c>/hubs/jobs</c>: <c>Subscribe(jobId)</c> sends the job's current state, then its live events; <c>Unsubscribe(jobId)</c>
/// stops them; disconnecting stops all. Each connection receives a job's events in increasing sequence with no
/// repeats: the current state and the live events are merged by sequence (see <see cref="OrderedSender"/>).
/// </summary>
public sealed class JobsHub(
    IGrainFactory grains, JobWatchRegistry registry, HubSubscriptions subscriptions, IHubContext<JobsHub, IJobsHubClient> hub, IOptions<LiveOptions> options,
    JobVisibility visibility)
    : Hub<IJobsHubClient>
{
    /// <summary>
    /// SignalR runs one call of a connection at a time, so the count checked here cannot grow behind the check. A job
    /// that does not exist is refused before anything is subscribed or written.
    /// </summary>
    public async Task Subscribe(string jobId)
    {
        if (!JobIds.IsValid(jobId)) throw NotFound(jobId);
        var connectionId = Context.ConnectionId;
        var max = options.Value.MaxWatchesPerConnection;
        if (!subscriptions.Contains(connectionId, jobId) && subscriptions.Count(connectionId) >= max)
            throw new HubException($"This connection watches {max} jobs already, the limit ({LiveOptions.SectionName}:MaxWatchesPerConnection); unsubscribe from one first.");
        // Another key's job answers as a missing one does.
        if (await visibility.VisibleAsync(jobId, JobCaller.Of(Context.User!)) is null) throw NotFound(jobId);
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

    /// <summary>Stops a watch; a job id that is not one (null included) was never watched, so there is nothing to stop.</summary>
    public Task Unsubscribe(string jobId) => JobIds.IsValid(jobId) ? subscriptions.RemoveAsync(Context.ConnectionId, jobId) : Task.CompletedTask;

    public override Task OnDisconnectedAsync(Exception? exception) => subscriptions.RemoveAllAsync(Context.ConnectionId);

    private static HubException NotFound(string jobId) => new($"No job has the id '{jobId}'.");
}
