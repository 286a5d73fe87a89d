using Orleans;
using Orleans.Runtime;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Storage;

public sealed class JobStateProbeGrain([PersistentState("job", "jobs")] IPersistentState<JobState> job) : Grain, IJobStateProbeGrain
{
    public async Task<string?> Save(JobState state)
    {
        job.State = state;
        await job.WriteStateAsync();
        return job.Etag;
    }
}
