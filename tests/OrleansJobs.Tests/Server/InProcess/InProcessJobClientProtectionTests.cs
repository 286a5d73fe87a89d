using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Client;
using OrleansJobs.Jobs;
using OrleansJobs.Tests.Infrastructure;
using JobServiceUnavailableException = OrleansJobs.Client.JobServiceUnavailableException;
using JobStatus = OrleansJobs.Client.JobStatus;

namespace OrleansJobs.Tests.Server.InProcess;

/// <summary>
/// What protects a silo from in-process submits as from HTTP ones: the backlog of jobs waiting for a handler slot, the
/// submits in flight, and a drain. Each test has a silo of its own, with its limits (and a drain cannot be undone).
/// </summary>
[Trait("Kind", "Silo")]
public sealed class InProcessJobClientProtectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<SiloHostFixture> StartAsync(params string[] settings)
    {
        var silo = new SiloHostFixture { Settings = ["--OrleansJobs:Backpressure:RetryAfter=00:00:03", .. settings] };
        await silo.InitializeAsync();
        return silo;
    }

    private static IJobClient InProcess(SiloHostFixture silo) => silo.Services.GetRequiredService<IJobClient>();

    [Fact]
    public async Task A_full_backlog_refuses_in_process_submits_as_it_refuses_HTTP_ones_and_takes_them_again_once_drained()
    {
        await using var silo = await StartAsync("--OrleansJobs:Execution:MaxConcurrentHandlers=1", "--OrleansJobs:Backpressure:MaxWaitingJobs=2");
        await using var http = new OrleansJobsClient(silo.Http);
        var jobs = InProcess(silo);
        var accepted = new List<string>();

        // One job runs and the next ones wait for its handler slot: once two wait, submits are refused.
        JobThrottledException? refused = null;
        await Eventually.Until(async () =>
        {
            try
            {
                accepted.Add((await jobs.SubmitAsync("delay", new DelayPayload("00:05:00", Steps: 1), cancellationToken: Token)).Id);
                return false;
            }
            catch (JobThrottledException throttled)
            {
                refused = throttled;
                return true;
            }
        }, Timeout, TimeSpan.FromMilliseconds(100), "in-process submits were never throttled");

        Assert.InRange(accepted.Count, 3, 20);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused!.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), refused.RetryAfter);
        Assert.Contains("MaxWaitingJobs", refused.Detail);
        var overHttp = await Assert.ThrowsAsync<JobThrottledException>(() => http.SubmitAsync("noop", cancellationToken: Token));
        Assert.Equal((overHttp.ProblemType, overHttp.Title, overHttp.RetryAfter), (refused.ProblemType, refused.Title, refused.RetryAfter));
        Assert.Contains("MaxWaitingJobs", overHttp.Detail);

        foreach (var id in accepted)
            await jobs.CancelAsync(id, Token);
        await Eventually.Until(async () =>
        {
            try
            {
                return (await jobs.SubmitAndWaitAsync("noop", Timeout, cancellationToken: Token)).Status == JobStatus.Succeeded;
            }
            catch (JobThrottledException)
            {
                return false;
            }
        }, Timeout, TimeSpan.FromMilliseconds(200), "the drained backlog still refused in-process submits");
    }

    [Fact]
    public async Task A_wait_holds_no_submit_permit()
    {
        await using var silo = await StartAsync("--OrleansJobs:Backpressure:MaxConcurrentSubmits=1");
        await using var http = new OrleansJobsClient(silo.Http);
        var jobs = InProcess(silo);
        var key = "waits-without-a-permit-" + Guid.NewGuid();
        var id = JobIds.FromIdempotencyKey(key);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var waiting = jobs.SubmitAndWaitAsync("delay", new DelayPayload("00:05:00", Steps: 1), System.Threading.Timeout.InfiniteTimeSpan,
            new SubmitOptions { IdempotencyKey = key }, caller.Token);
        await InProcessJobClientWaitTests.UntilStatusAsync(jobs, id, JobStatus.Running);

        // The only permit is free while the first caller waits: in-process and HTTP submits both get it.
        Assert.Equal(JobStatus.Succeeded, (await jobs.SubmitAndWaitAsync("noop", Timeout, cancellationToken: Token)).Status);
        Assert.StartsWith("job_", (await http.SubmitAsync("noop", cancellationToken: Token)).Id);
        Assert.False(waiting.IsCompleted);

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(JobStatus.Cancelled, (await jobs.CancelAsync(id, Token)).Status);
    }

    [Fact]
    public async Task A_draining_silo_refuses_in_process_submits_as_service_unavailable_and_still_answers_reads()
    {
        await using var silo = await StartAsync();
        await using var http = new OrleansJobsClient(silo.Http);
        var jobs = InProcess(silo);
        var before = await jobs.SubmitAndWaitAsync("noop", Timeout, cancellationToken: Token);
        silo.Services.GetRequiredService<JobRunner>().BeginDrain();

        var inProcess = await Assert.ThrowsAsync<JobServiceUnavailableException>(() => jobs.SubmitAsync("noop", cancellationToken: Token));
        var overHttp = await Assert.ThrowsAsync<JobServiceUnavailableException>(() => http.SubmitAsync("noop", cancellationToken: Token));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, inProcess.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), inProcess.RetryAfter);
        Assert.Contains("shutting down", inProcess.Detail);
        Assert.Equal((overHttp.ProblemType, overHttp.Title, overHttp.Detail, overHttp.RetryAfter, overHttp.Message),
            (inProcess.ProblemType, inProcess.Title, inProcess.Detail, inProcess.RetryAfter, inProcess.Message));
        Assert.Equal(JobStatus.Succeeded, (await jobs.GetAsync(before.Id, Token)).Status);
    }
}
