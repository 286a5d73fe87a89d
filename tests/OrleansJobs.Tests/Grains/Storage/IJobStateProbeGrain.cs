using Orleans;
using Orleans.Runtime;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>A job's state on the job storage provider ("jobs"), as the job grain will hold it.</summary>
public interface IJobStateProbeGrain : IGrainWithStringKey
{
    Task<string?> Save(JobState state);
}
