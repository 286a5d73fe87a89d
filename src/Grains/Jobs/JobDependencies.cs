namespace OrleansJobs.Jobs;

/// <summary>
/// How a job that depends on others (<see cref="JobSpec.DependsOn"/>) takes their endings. Pure, like
/// <see cref="JobLifecycle"/>: the job grain applies it under its own state changes.
/// </summary>
public static class JobDependencies
{
    /// <summary>The job waits for its dependencies: Scheduled, and due at no time.</summary>
    public static bool IsWaiting(JobState job) =>
        job.Status == JobStatus.Scheduled && job.DueAt is null && job.Spec?.DependsOn is { Count: > 0 };

    /// <summary>
    /// Applies how <paramref name="dependencyId"/> ended (null: it does not exist) to a waiting job; returns whether the
    /// job changed. Not terminal, not a dependency, already counted, or a job no longer waiting: no change.
    /// </summary>
    public static bool Apply(JobState job, string dependencyId, JobStatus? status, DateTimeOffset now)
    {
        if (!IsWaiting(job) || job.Spec!.DependsOn is not { } dependsOn || !dependsOn.Contains(dependencyId)) return false;
        switch (status)
        {
            case JobStatus.Succeeded:
                if (job.DependenciesSucceeded.Contains(dependencyId)) return false;
                job.DependenciesSucceeded.Add(dependencyId);
                job.UpdatedAt = now;
                if (dependsOn.All(job.DependenciesSucceeded.Contains)) JobLifecycle.DependenciesMet(job, now);
                return true;
            case JobStatus.Failed or JobStatus.Cancelled or null:
                if (job.Spec.OnDependencyFailure == DependencyFailure.Cancel)
                    JobLifecycle.Cancel(job, now);
                else
                    JobLifecycle.FailWaiting(job, now, new JobError(
                        status is null ? $"Dependency '{dependencyId}' does not exist." : $"Dependency '{dependencyId}' ended {status}.", "DependencyFailed"));
                return true;
            default:
                return false;
        }
    }
}
