using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Workers;

/// <summary>
/// The .NET worker of the client library (<see cref="OrleansJobsClient.RunWorkerAsync"/>, <c>AddOrleansJobsWorker</c>)
/// in the test process, an HTTP client outside the cluster, against a real silo process on SQLite: jobs of an external
/// type run on it and succeed with their results, progress reaches a SignalR watcher, a cancel reaches the handler, an
/// exception fails the attempt and the job is retried, and a stop finishes the jobs it holds.
/// </summary>
[Trait("Kind", "Process")]
public sealed class DotNetWorkerProcessTests
{
    private const string Type = "ext.dotnet";
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static async Task<SiloProcess> StartSiloAsync() => await SiloProcess.StartReadyAsync(
        "--OrleansJobs:SweepInterval=00:00:01", $"--OrleansJobs:Workers:Types:0={Type}");

    private static OrleansJobsWorkerOptions Worker(string name, WorkerJobHandler handler) =>
        new OrleansJobsWorkerOptions { Name = name, LeaseDuration = TimeSpan.FromSeconds(6), PollWait = TimeSpan.FromSeconds(2) }.Handle(Type, handler);

    private static async Task<JobInfo> UntilAsync(OrleansJobsClient client, string id, Func<JobInfo, bool> done, string message)
    {
        JobInfo? job = null;
        await Eventually.Until(async () => done(job = await client.GetAsync(id, Token)), Settle, TimeSpan.FromMilliseconds(100), message);
        return job!;
    }

    private static AttemptOutcome?[] Outcomes(JobInfo job) => [.. job.Attempts.Select(a => a.Outcome)];

    [Fact]
    public async Task Job_runs_on_the_worker_succeeds_with_its_result_and_its_progress_reaches_a_hub_watcher()
    {
        await using var silo = await StartSiloAsync();
        await using var client = new OrleansJobsClient(silo.Http);
        await using var watcher = await HubWatcher.ConnectAsync(silo);
        var job = await client.SubmitAsync(Type, new { steps = 3 }, cancellationToken: Token);
        await watcher.SubscribeAsync(job.Id);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var worker = client.RunWorkerAsync(Worker("dotnet-1", async (lease, context, ct) =>
        {
            var steps = lease.GetPayload<JsonElement>().GetProperty("steps").GetInt32();
            for (var step = 1; step <= steps; step++)
            {
                await Task.Delay(200, ct);
                await context.ReportProgressAsync(100.0 * step / steps, $"step {step}", ct);
            }
            return new { steps, attempt = lease.Attempt };
        }), stop.Token);
        await watcher.UntilAllFinishedAsync([job.Id], Settle);

        var done = await client.GetAsync(job.Id, Token);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(3, done.Result!.Value.GetProperty("steps").GetInt32());
        Assert.Equal([AttemptOutcome.Succeeded], Outcomes(done));
        Assert.Equal("dotnet-1", done.Attempts[0].Worker);
        var progress = watcher.EventsOf(job.Id).Where(e => e.Kind == "progress").ToList();
        Assert.Contains(progress, e => e.Percent == 100.0);
        Assert.True(progress.Count >= 2, $"the watcher saw {progress.Count} progress events");

        await stop.CancelAsync();
        await worker.WaitAsync(Settle, Token);
    }

    [Fact]
    public async Task Cancel_reaches_the_handler_and_the_job_ends_cancelled()
    {
        await using var silo = await StartSiloAsync();
        await using var client = new OrleansJobsClient(silo.Http);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerSawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var options = Worker("dotnet-cancel", async (_, context, ct) =>
        {
            started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException) when (context.StopRequested)
            {
                handlerSawCancel.TrySetResult();
                throw;
            }
            return null;
        });
        options.HeartbeatInterval = TimeSpan.FromMilliseconds(500);
        var worker = client.RunWorkerAsync(options, stop.Token);
        var job = await client.SubmitAsync(Type, cancellationToken: Token);
        await started.Task.WaitAsync(Settle, Token);

        await client.CancelAsync(job.Id, Token);

        await handlerSawCancel.Task.WaitAsync(Settle, Token);
        var cancelled = await UntilAsync(client, job.Id, j => j.Status == JobStatus.Cancelled && j.Attempts.All(a => a.Outcome is not null), "the job did not end cancelled");
        Assert.Equal([AttemptOutcome.Cancelled], Outcomes(cancelled));
        await stop.CancelAsync();
        await worker.WaitAsync(Settle, Token);
    }

    [Fact]
    public async Task An_exception_fails_the_attempt_and_the_job_is_retried_while_a_non_retryable_one_fails_the_job()
    {
        await using var silo = await StartSiloAsync();
        await using var client = new OrleansJobsClient(silo.Http);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var worker = client.RunWorkerAsync(Worker("dotnet-flaky", (lease, _, _) =>
            lease.GetPayload<JsonElement>().GetProperty("mode").GetString() switch
            {
                "fatal" => throw new NonRetryableJobException("the input can never work"),
                _ when lease.Attempt == 1 => throw new InvalidOperationException("first attempt breaks"),
                _ => Task.FromResult<object?>(new { attempt = lease.Attempt }),
            }), stop.Token);
        var retry = new SubmitOptions { MaxAttempts = 3, Retry = new RetryOptions { InitialDelay = TimeSpan.FromMilliseconds(200), Jitter = false } };
        var flaky = await client.SubmitAsync(Type, new { mode = "flaky" }, retry, Token);
        var fatal = await client.SubmitAsync(Type, new { mode = "fatal" }, retry, Token);

        var retried = await UntilAsync(client, flaky.Id, j => j.Status == JobStatus.Succeeded, "the flaky job did not succeed on its retry");
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], Outcomes(retried));
        Assert.Contains("first attempt breaks", retried.Attempts[0].Error!.Message);
        Assert.Equal(2, retried.Result!.Value.GetProperty("attempt").GetInt32());

        var failed = await UntilAsync(client, fatal.Id, j => j.Status == JobStatus.Failed, "the job with a non-retryable error did not fail");
        Assert.Equal([AttemptOutcome.Failed], Outcomes(failed));
        Assert.Contains("the input can never work", failed.Error!.Message);
        await stop.CancelAsync();
        await worker.WaitAsync(Settle, Token);
    }

    [Fact]
    public async Task A_stop_leases_no_more_and_finishes_the_jobs_the_worker_holds()
    {
        await using var silo = await StartSiloAsync();
        await using var client = new OrleansJobsClient(silo.Http);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var options = Worker("dotnet-stopping", async (lease, _, _) =>
        {
            Interlocked.Increment(ref held);
            await release.Task; // deaf to the token: a stop must let it finish
            return new { finished = lease.Id };
        });
        options.MaxConcurrentJobs = 2;
        var worker = client.RunWorkerAsync(options, stop.Token);
        var first = await client.SubmitAsync(Type, cancellationToken: Token);
        var second = await client.SubmitAsync(Type, cancellationToken: Token);
        await Eventually.Until(() => Task.FromResult(Volatile.Read(ref held) == 2), Settle, TimeSpan.FromMilliseconds(50), "the worker did not take both jobs");

        await stop.CancelAsync();
        var late = await client.SubmitAsync(Type, cancellationToken: Token);
        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        Assert.False(worker.IsCompleted, "the worker stopped before the jobs it held finished");
        release.SetResult();
        await worker.WaitAsync(Settle, Token);

        foreach (var id in new[] { first.Id, second.Id })
        {
            var done = await client.GetAsync(id, Token);
            Assert.Equal(JobStatus.Succeeded, done.Status);
            Assert.Equal(id, done.Result!.Value.GetProperty("finished").GetString());
        }
        Assert.Equal(JobStatus.Queued, (await client.GetAsync(late.Id, Token)).Status);
    }

    [Fact]
    public async Task The_hosted_worker_runs_jobs_and_bad_settings_or_a_type_the_service_does_not_lease_are_typed_errors()
    {
        await using var silo = await StartSiloAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddOrleansJobsClient(client => client.BaseAddress = silo.Http.BaseAddress);
        builder.Services.AddOrleansJobsWorker(worker =>
        {
            worker.Name = "dotnet-hosted";
            worker.PollWait = TimeSpan.FromSeconds(2);
            worker.Handle(Type, (lease, _, _) => Task.FromResult<object?>(new { hosted = true }));
        });
        using (var host = builder.Build())
        {
            await host.StartAsync(Token);
            var client = host.Services.GetRequiredService<IOrleansJobsClient>();
            var job = await client.SubmitAndWaitAsync(Type, TimeSpan.FromSeconds(60), cancellationToken: Token);
            Assert.Equal(JobStatus.Succeeded, job.Status);
            Assert.True(job.Result!.Value.GetProperty("hosted").GetBoolean());
            Assert.Equal("dotnet-hosted", job.Attempts[0].Worker);
            await host.StopAsync(Token);
        }

        var badHost = Host.CreateApplicationBuilder();
        badHost.Services.AddOrleansJobsClient(client => client.BaseAddress = silo.Http.BaseAddress);
        badHost.Services.AddOrleansJobsWorker(worker => worker.MaxConcurrentJobs = 0);
        using (var host = badHost.Build())
        {
            var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Token));
            Assert.Contains(refused.Failures, f => f.Contains("MaxConcurrentJobs"));
            Assert.Contains(refused.Failures, f => f.Contains("no job types"));
        }

        await using var direct = new OrleansJobsClient(silo.Http);
        await Assert.ThrowsAsync<ArgumentException>(() => direct.RunWorkerAsync(new OrleansJobsWorkerOptions(), Token));
        var notExternal = new OrleansJobsWorkerOptions().Handle("noop", (_, _, _) => Task.FromResult<object?>(null));
        var invalid = await Assert.ThrowsAsync<JobValidationException>(() => direct.RunWorkerAsync(notExternal, Token));
        Assert.Contains("types", invalid.Errors.Keys);
    }

    [Fact]
    public async Task A_repeated_complete_of_the_same_lease_is_answered_as_the_first_and_changes_nothing()
    {
        await using var silo = await StartSiloAsync();
        await using var client = new OrleansJobsClient(silo.Http);
        var job = await client.SubmitAsync(Type, cancellationToken: Token);
        using var leased = await silo.Http.PostAsJsonAsync("/api/workers/lease", new { worker = "w-repeat", types = new[] { Type }, wait = "20s" }, Token);
        var lease = (await leased.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("jobs").EnumerateArray().Single();
        Assert.Equal(job.Id, lease.GetProperty("id").GetString());
        var path = $"/api/jobs/{job.Id}/lease/{lease.GetProperty("leaseId").GetString()}";

        using var first = await silo.Http.PostAsJsonAsync(path + "/complete", new { result = new { n = 1 } }, Token);
        using var again = await silo.Http.PostAsJsonAsync(path + "/complete", new { result = new { n = 2 } }, Token);
        using var failAfter = await silo.Http.PostAsJsonAsync(path + "/fail", new { error = "late" }, Token);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, failAfter.StatusCode);
        var done = await client.GetAsync(job.Id, Token);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(1, done.Result!.Value.GetProperty("n").GetInt32());
        Assert.Equal([AttemptOutcome.Succeeded], Outcomes(done));
    }
}
