using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Auth;

/// <summary>
/// The one place that keeps a caller to the jobs it may see (<see cref="JobCaller.Sees"/>): every read, change and watch
/// of a job by id asks it first (the API, the in-process client, the hub, server-sent events, batches), so another
/// owner's job answers exactly as a missing one.
/// </summary>
public sealed class JobVisibility(IGrainFactory grains)
{
    /// <summary>The job if it exists and <paramref name="caller"/> may see it, else null.</summary>
    public async Task<JobState?> VisibleAsync(string id, JobCaller caller)
    {
        if (!JobIds.IsValid(id)) return null;
        var job = await grains.GetGrain<IJobGrain>(id).Get();
        return job is not null && caller.Sees(job) ? job : null;
    }

    /// <summary>
    /// False when <paramref name="caller"/> may not see the job; true without a call when it sees every job. A job's
    /// owner never changes, so a look before a change or a watch is as good as one inside it.
    /// </summary>
    public async Task<bool> MaySeeAsync(string id, JobCaller caller) => caller.SeesAll || await VisibleAsync(id, caller) is not null;
}
