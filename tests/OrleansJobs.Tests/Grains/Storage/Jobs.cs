using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Storage;

internal static class Jobs
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

    public static JobState New(
        JobStatus status = JobStatus.Queued, string type = "email.send", string queue = "default",
        DateTimeOffset? createdAt = null, string? id = null, string? owner = null,
        IReadOnlyList<string>? labels = null)
    {
        var created = createdAt ?? T0;
        return new JobState
        {
            Id = id ?? JobIds.New(),
            Spec = new JobSpec { Type = type, Queue = queue, Owner = owner, Labels = labels },
            Status = status,
            CreatedAt = created,
            UpdatedAt = created,
        };
    }

    /// <summary>A job in <paramref name="status"/> last written <paramref name="minutes"/> after <see cref="T0"/>.</summary>
    public static JobState WrittenAt(JobStatus status, int minutes)
    {
        var job = New(status);
        job.UpdatedAt = T0.AddMinutes(minutes);
        return job;
    }
}
