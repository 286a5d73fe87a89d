using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Jobs;

[Trait("Kind", "Unit")]
public sealed class JobDependenciesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private const string A = "job_0000000000000000000000000000000a";
    private const string B = "job_0000000000000000000000000000000b";

    private static JobState Waiting(DependencyFailure onFailure = DependencyFailure.Fail, DateTimeOffset? runAt = null)
    {
        var job = new JobState();
        JobLifecycle.Create(job, "job_00000000000000000000000000000001", new JobSpec { Type = "noop", DependsOn = [A, B], OnDependencyFailure = onFailure, RunAt = runAt }, Now);
        return job;
    }

    [Fact]
    public void A_job_with_dependencies_is_created_Scheduled_with_no_due_time()
    {
        var job = Waiting(runAt: Now.AddMinutes(5));

        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.Null(job.DueAt);
        Assert.Null(job.ScheduledAt);
        Assert.True(JobDependencies.IsWaiting(job));
    }

    [Fact]
    public void The_job_becomes_Queued_once_every_dependency_has_succeeded_and_repeats_change_nothing()
    {
        var job = Waiting();

        Assert.True(JobDependencies.Apply(job, A, JobStatus.Succeeded, Now));
        Assert.False(JobDependencies.Apply(job, A, JobStatus.Succeeded, Now));
        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.False(JobDependencies.Apply(job, "job_000000000000000000000000000000ff", JobStatus.Succeeded, Now));
        Assert.False(JobDependencies.Apply(job, B, JobStatus.Running, Now));

        Assert.True(JobDependencies.Apply(job, B, JobStatus.Succeeded, Now));
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.False(JobDependencies.Apply(job, B, JobStatus.Failed, Now));
        Assert.Equal(JobStatus.Queued, job.Status);
    }

    [Fact]
    public void A_job_whose_run_time_is_still_ahead_waits_for_it_once_its_dependencies_have_succeeded()
    {
        var job = Waiting(runAt: Now.AddMinutes(5));

        JobDependencies.Apply(job, A, JobStatus.Succeeded, Now);
        JobDependencies.Apply(job, B, JobStatus.Succeeded, Now);

        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.Equal(Now.AddMinutes(5), job.DueAt);
        Assert.False(JobDependencies.IsWaiting(job));
    }

    [Theory]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Cancelled)]
    public void A_dependency_that_does_not_succeed_fails_the_job_naming_it(JobStatus ending)
    {
        var job = Waiting();

        Assert.True(JobDependencies.Apply(job, B, ending, Now));

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("DependencyFailed", job.Error!.Type);
        Assert.Contains(B, job.Error.Message);
        Assert.Empty(job.Attempts);
        Assert.Equal(Now, job.CompletedAt);
    }

    [Fact]
    public void With_cancel_on_failure_a_failed_or_missing_dependency_cancels_the_job()
    {
        var job = Waiting(DependencyFailure.Cancel);
        Assert.True(JobDependencies.Apply(job, A, JobStatus.Failed, Now));
        Assert.Equal(JobStatus.Cancelled, job.Status);

        var missing = Waiting();
        Assert.True(JobDependencies.Apply(missing, A, null, Now));
        Assert.Contains("does not exist", missing.Error!.Message);
    }
}
