using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;
using JobStatus = OrleansJobs.Client.JobStatus;

namespace OrleansJobs.Tests.Server.InProcess;

/// <summary>
/// The in-process client's waits on the job grain: to the end, past one grain call's slice, for ever, up to a timeout,
/// and until the caller cancels, which ends the wait and never the job.
/// </summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class InProcessJobClientWaitTests(SiloHostFixture host)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private IJobClient Jobs => host.Services.GetRequiredService<IJobClient>();

    /// <summary>Waits until the job, which may not have been created yet, has <paramref name="status"/>.</summary>
    internal static Task UntilStatusAsync(IJobClient jobs, string id, JobStatus status) =>
        Eventually.Until(async () =>
        {
            try
            {
                return (await jobs.GetAsync(id, Token)).Status == status;
            }
            catch (JobNotFoundException)
            {
                return false;
            }
        }, Timeout, TimeSpan.FromMilliseconds(50), $"job {id} did not become {status}");

    [Fact]
    public async Task Submit_and_wait_returns_the_finished_job_with_its_typed_result()
    {
        var done = await Jobs.SubmitAndWaitAsync("delay", new DelayPayload("00:00:00.2", Steps: 2), Timeout, cancellationToken: Token);

        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(new DelayResult(2), done.GetResult<DelayResult>());
        Assert.Equal(100, done.Progress!.Percent);
    }

    [Fact]
    public async Task An_infinite_wait_goes_on_past_one_grain_calls_slice_until_the_job_ends()
    {
        // Longer than one 20-second call to the grain: a wait that stopped after its first slice would return it unfinished.
        var done = await Jobs.SubmitAndWaitAsync("delay", new DelayPayload("00:00:24", Steps: 1), System.Threading.Timeout.InfiniteTimeSpan, cancellationToken: Token);

        Assert.Equal(JobStatus.Succeeded, done.Status);
    }

    [Fact]
    public async Task A_wait_that_runs_out_throws_the_timeout_with_the_unfinished_job_which_goes_on()
    {
        var error = await Assert.ThrowsAsync<JobWaitTimeoutException>(() =>
            Jobs.SubmitAndWaitAsync("delay", new DelayPayload("00:05:00", Steps: 1), TimeSpan.FromSeconds(1), cancellationToken: Token));

        Assert.False(error.Job.IsFinished);
        Assert.Equal(TimeSpan.FromSeconds(1), error.Timeout);
        Assert.False((await Jobs.GetAsync(error.Job.Id, Token)).IsFinished);
        var waitAgain = await Assert.ThrowsAsync<JobWaitTimeoutException>(() => Jobs.WaitForCompletionAsync(error.Job.Id, TimeSpan.FromSeconds(1), Token));
        Assert.Equal(error.Job.Id, waitAgain.Job.Id);

        Assert.Equal(JobStatus.Cancelled, (await Jobs.CancelAsync(error.Job.Id, Token)).Status);
    }

    [Fact]
    public async Task Cancelling_the_token_ends_the_wait_and_leaves_the_job_running()
    {
        var key = "cancel-the-wait-" + Guid.NewGuid();
        var id = OrleansJobs.Jobs.JobIds.FromIdempotencyKey(key);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var waiting = Jobs.SubmitAndWaitAsync("delay", new DelayPayload("00:05:00", Steps: 1), System.Threading.Timeout.InfiniteTimeSpan,
            new SubmitOptions { IdempotencyKey = key }, caller.Token);
        await UntilStatusAsync(Jobs, id, JobStatus.Running);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(JobStatus.Running, (await Jobs.GetAsync(id, Token)).Status);
        Assert.Equal(JobStatus.Cancelled, (await Jobs.CancelAsync(id, Token)).Status);
    }

    [Fact]
    public async Task Wait_for_completion_follows_a_retried_job_to_its_end()
    {
        var failed = await Jobs.SubmitAndWaitAsync("delay", new DelayPayload("00:00:00", FailAttempts: 1), Timeout, new SubmitOptions { MaxAttempts = 1 }, Token);
        Assert.Equal(JobStatus.Failed, failed.Status);

        var retried = await Jobs.RetryAsync(failed.Id, Token);
        var done = await Jobs.WaitForCompletionAsync(failed.Id, Timeout, Token);

        Assert.Equal(failed.Id, retried.Id);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], done.Attempts.Select(a => a.Outcome));
    }
}
