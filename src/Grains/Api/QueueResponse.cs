using OrleansJobs.Queues;
using OrleansJobs.Storage;

namespace OrleansJobs.Api;

/// <summary>
/// One queue: its counts (from the job table), its limits, and while it is limited what its grain holds right now
/// (<c>holding</c>: jobs with a slot; <c>waiting</c>: jobs waiting for one).
/// </summary>
public sealed record QueueResponse(
    string Name, long Queued, long Running, long Scheduled, long Failed,
    int? MaxConcurrency, int? MaxConcurrencyPerKey, double? RatePerSecond, int? Burst, bool Paused,
    int? Holding, int? Waiting)
{
    public static QueueResponse From(string name, QueueSettings settings, IReadOnlyList<JobCount> counts, QueueRuntime? runtime)
    {
        long Count(JobStatus status) => counts.FirstOrDefault(c => c.Queue == name && c.Status == status)?.Count ?? 0;
        return new QueueResponse(name, Count(JobStatus.Queued), Count(JobStatus.Running), Count(JobStatus.Scheduled), Count(JobStatus.Failed),
            settings.MaxConcurrency, settings.MaxConcurrencyPerKey, settings.RatePerSecond, settings.Burst, settings.Paused,
            runtime?.Holding, runtime?.Waiting);
    }
}
