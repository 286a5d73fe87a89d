using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Client;
using OrleansJobs.Server.InProcess;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Infrastructure.ClientJobs;
using JobStatus = OrleansJobs.Client.JobStatus;

namespace OrleansJobs.Tests.Server.InProcess;

/// <summary>
/// The in-process <see cref="IJobClient"/> of the real silo host beside its HTTP client: for the same jobs and the same
/// mistakes, both give the same <see cref="JobInfo"/>, the same job ids and the same exceptions.
/// </summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class InProcessJobClientTests(SiloHostFixture host) : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly OrleansJobsClient _http = new(host.Http);

    private IJobClient InProcess => host.Services.GetRequiredService<IJobClient>();

    public ValueTask DisposeAsync() => _http.DisposeAsync();

    /// <summary>A job as the API's JSON, for comparing two <see cref="JobInfo"/> whole (their lists compare by reference).</summary>
    private static string Json(JobInfo job) => JsonSerializer.Serialize(job, JsonSerializerOptions.Web);

    [Fact]
    public void The_host_answers_IJobClient_with_the_in_process_client()
    {
        Assert.IsType<InProcessJobClient>(InProcess);
        Assert.Same(InProcess, InProcess);
    }

    [Fact]
    public async Task Get_reads_every_kind_of_job_exactly_as_the_HTTP_client_does()
    {
        var queue = NewQueue();
        var succeeded = await InProcess.SubmitAndWaitAsync(GreetingJobHandler.Type, new GreetingPayload { Name = "Ada", Times = 2, Tone = GreetingTone.Cheerful },
            Timeout, new SubmitOptions
            {
                Queue = queue,
                Priority = 3,
                MaxAttempts = 4,
                Retry = new RetryOptions { InitialDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromDays(1.5), Multiplier = 1.5, Jitter = false },
                Timeout = TimeSpan.FromMinutes(5),
                CorrelationId = "corr-7",
                Tags = new Dictionary<string, string> { ["tenant"] = "acme" },
                Labels = ["customer-7", "greeting"],
                ConcurrencyKey = "tenant-7",
            }, Token);
        var failed = await InProcess.SubmitAndWaitAsync("delay", new DelayPayload("00:00:00", Steps: 1, FailAttempts: 1), Timeout,
            new SubmitOptions { Queue = queue, MaxAttempts = 1 }, Token);
        var scheduled = await InProcess.SubmitAsync("noop", new SubmitOptions { Queue = queue, RunAt = DateTimeOffset.UtcNow.AddHours(1) }, Token);
        var waiting = await InProcess.SubmitAsync("noop", new SubmitOptions
        {
            Queue = queue, DependsOn = [scheduled.Id], OnDependencyFailure = DependencyFailure.Cancel,
        }, Token);

        Assert.Equal("Hi, Ada! Hi, Ada!", succeeded.Result!.Value.GetProperty("text").GetString());
        Assert.Equal(["customer-7", "greeting"], succeeded.Labels);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.NotNull(failed.Error);
        Assert.Equal(JobStatus.Scheduled, waiting.Status);
        foreach (var job in new[] { succeeded, failed, scheduled, waiting })
        {
            var overHttp = await _http.GetAsync(job.Id, Token);
            Assert.Equal(Json(overHttp), Json(await InProcess.GetAsync(job.Id, Token)));
        }
        Assert.Equal(Json(await _http.CancelAsync(scheduled.Id, Token)), Json(await InProcess.GetAsync(scheduled.Id, Token)));
        // The dependent heard of the cancel: the same again, whichever client reads it.
        var cancelled = await InProcess.WaitForCompletionAsync(waiting.Id, Timeout, Token);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal(Json(await _http.GetAsync(waiting.Id, Token)), Json(cancelled));
    }

    [Fact]
    public async Task A_key_used_in_process_first_gives_the_same_job_over_HTTP_and_the_replay_returns_it()
    {
        var key = "in-process-first-" + Guid.NewGuid();
        var options = new SubmitOptions { IdempotencyKey = key, RunAt = DateTimeOffset.UtcNow.AddHours(1), Tags = new Dictionary<string, string> { ["first"] = "yes" } };

        var first = await InProcess.SubmitAsync("noop", options, Token);
        var overHttp = await _http.SubmitAsync("delay", new DelayPayload("00:00:01"), options with { Tags = null }, Token);
        var again = await InProcess.SubmitAsync("delay", new DelayPayload("00:00:02"), options with { Tags = null }, Token);

        Assert.Equal(OrleansJobs.Jobs.JobIds.FromIdempotencyKey(key), first.Id);
        Assert.Equal(key, first.IdempotencyKey);
        // Nothing changed the job in between: every answer is the first job, to the letter.
        Assert.Equal(Json(first), Json(overHttp));
        Assert.Equal(Json(first), Json(again));
        Assert.Equal("noop", again.Type);
        await InProcess.CancelAsync(first.Id, Token);
    }

    [Fact]
    public async Task A_key_used_over_HTTP_first_gives_the_same_job_in_process()
    {
        var key = "http-first-" + Guid.NewGuid();
        var options = new SubmitOptions { IdempotencyKey = key, Delay = TimeSpan.FromHours(1) };

        var first = await _http.SubmitAsync("delay", new DelayPayload("00:00:01"), options, Token);
        var inProcess = await InProcess.SubmitAsync("noop", options, Token);

        Assert.Equal(first.Id, inProcess.Id);
        Assert.Equal(Json(first), Json(inProcess));
        await InProcess.CancelAsync(first.Id, Token);
    }

    [Fact]
    public async Task Without_a_key_each_submit_is_a_new_job_with_none()
    {
        var first = await InProcess.SubmitAsync("noop", cancellationToken: Token);
        var second = await InProcess.SubmitAsync("noop", cancellationToken: Token);

        Assert.NotEqual(first.Id, second.Id);
        Assert.Null(first.IdempotencyKey);
    }

    [Fact]
    public async Task A_submit_inside_an_activity_joins_its_trace_and_takes_its_trace_id_as_correlation_id()
    {
        using var caller = new Activity("caller").SetIdFormat(ActivityIdFormat.W3C);
        caller.TraceStateString = "vendor=value";
        caller.Start();
        JobInfo traced, named;
        try
        {
            traced = await InProcess.SubmitAsync("noop", cancellationToken: Token);
            named = await InProcess.SubmitAsync("noop", new SubmitOptions { CorrelationId = "order-42" }, Token);
        }
        finally
        {
            caller.Stop();
        }
        var outside = await InProcess.SubmitAsync("noop", cancellationToken: Token);

        var traceId = caller.TraceId.ToHexString();
        Assert.Equal(traceId, traced.TraceId);
        Assert.Equal(traceId, traced.CorrelationId);
        Assert.Equal(traceId, named.TraceId);
        Assert.Equal("order-42", named.CorrelationId);
        Assert.Null(outside.TraceId);
        Assert.Matches("^[0-9a-f]{32}$", outside.CorrelationId);
        Assert.NotEqual(traceId, outside.CorrelationId);
    }

    [Fact]
    public async Task Every_invalid_submit_throws_what_the_HTTP_client_throws_with_the_same_errors()
    {
        var cases = new (string Name, Func<IJobClient, Task> Submit)[]
        {
            ("fields", client => client.SubmitAsync("transcode", new SubmitOptions { Queue = "no spaces", MaxAttempts = 0, Retry = new RetryOptions { Multiplier = 0.5 } }, Token)),
            ("typed payload", client => client.SubmitAsync(GreetingJobHandler.Type, new { times = 5 }, cancellationToken: Token)),
            ("unknown dependency", client => client.SubmitAsync("noop", new SubmitOptions { DependsOn = ["job_00000000000000000000000000000000"] }, Token)),
            ("dependency failure alone", client => client.SubmitAsync("noop", new SubmitOptions { OnDependencyFailure = DependencyFailure.Cancel }, Token)),
            ("idempotency key", client => client.SubmitAsync("noop", new SubmitOptions { IdempotencyKey = new string('k', 201) }, Token)),
            ("labels", client => client.SubmitAsync("noop", new SubmitOptions { Labels = ["ok", "not ok", new string('l', 65)] }, Token)),
            ("callback host", client => client.SubmitAsync("noop", new SubmitOptions { CallbackUrl = new Uri("http://example.com/done") }, Token)),
            ("payload too large", client => client.SubmitAsync("noop", new { text = new string('x', 2 * SiloHostFixture.MaxPayloadBytes) }, cancellationToken: Token)),
            ("wait with a bad payload", client => client.SubmitAndWaitAsync(GreetingJobHandler.Type, new { name = "" }, Timeout, cancellationToken: Token)),
        };
        foreach (var (name, submit) in cases)
        {
            var overHttp = await Assert.ThrowsAsync<JobValidationException>(() => submit(_http));
            var inProcess = await Assert.ThrowsAsync<JobValidationException>(() => submit(InProcess));
            AssertSameError(overHttp, inProcess, name);
        }

        var typed = await Assert.ThrowsAsync<JobValidationException>(() => InProcess.SubmitAsync(GreetingJobHandler.Type, new { times = 5 }, cancellationToken: Token));
        Assert.Equal(["payload.name", "payload.times"], typed.Errors.Keys.Order());
        var tooLarge = await Assert.ThrowsAsync<JobValidationException>(() => InProcess.SubmitAsync("noop", new { text = new string('x', 2 * SiloHostFixture.MaxPayloadBytes) }, cancellationToken: Token));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
    }

    [Fact]
    public async Task Arguments_the_HTTP_client_refuses_before_any_request_are_refused_alike()
    {
        var both = new SubmitOptions { RunAt = DateTimeOffset.UtcNow, Delay = TimeSpan.FromMinutes(1) };

        await Assert.ThrowsAsync<ArgumentException>(() => InProcess.SubmitAsync("noop", both, Token));
        await Assert.ThrowsAsync<ArgumentException>(() => InProcess.SubmitAsync(" ", cancellationToken: Token));
        await Assert.ThrowsAsync<ArgumentException>(() => InProcess.GetAsync("", Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => InProcess.SubmitAndWaitAsync("noop", TimeSpan.Zero, cancellationToken: Token));
    }

    [Theory]
    [InlineData("job_00000000000000000000000000000000")]
    [InlineData("not-a-job")]
    public async Task Unknown_ids_are_not_found_alike_for_get_cancel_retry_and_wait(string id)
    {
        var operations = new (string Name, Func<IJobClient, Task> Call)[]
        {
            ("get", client => client.GetAsync(id, Token)),
            ("cancel", client => client.CancelAsync(id, Token)),
            ("retry", client => client.RetryAsync(id, Token)),
        };
        foreach (var (name, call) in operations)
        {
            var overHttp = await Assert.ThrowsAsync<JobNotFoundException>(() => call(_http));
            var inProcess = await Assert.ThrowsAsync<JobNotFoundException>(() => call(InProcess));
            AssertSameError(overHttp, inProcess, name);
            Assert.Equal(id, inProcess.JobId);
        }

        // The HTTP client learns it from the hub, whose error has no problem document: only the exception is the same.
        var waited = await Assert.ThrowsAsync<JobNotFoundException>(() => InProcess.WaitForCompletionAsync(id, Timeout, Token));
        Assert.Equal((HttpStatusCode.NotFound, id), (waited.StatusCode, waited.JobId));
        Assert.Equal(id, (await Assert.ThrowsAsync<JobNotFoundException>(() => _http.WaitForCompletionAsync(id, Timeout, Token))).JobId);
    }

    [Fact]
    public async Task Cancel_and_retry_of_a_finished_job_are_the_same_conflict_naming_its_status()
    {
        var job = await InProcess.SubmitAndWaitAsync("noop", Timeout, cancellationToken: Token);

        foreach (var (name, call) in new (string, Func<IJobClient, Task>)[] { ("cancel", c => c.CancelAsync(job.Id, Token)), ("retry", c => c.RetryAsync(job.Id, Token)) })
        {
            var overHttp = await Assert.ThrowsAsync<JobConflictException>(() => call(_http));
            var inProcess = await Assert.ThrowsAsync<JobConflictException>(() => call(InProcess));
            AssertSameError(overHttp, inProcess, name);
            Assert.Equal(JobStatus.Succeeded, inProcess.CurrentStatus);
            Assert.Equal(job.Id, inProcess.JobId);
        }
    }

    /// <summary>The same exception, problem and message; the problem documents differ only by the HTTP answer's trace id.</summary>
    private static void AssertSameError(OrleansJobsException overHttp, OrleansJobsException inProcess, string name)
    {
        Assert.True(overHttp.GetType() == inProcess.GetType(), $"{name}: {inProcess.GetType().Name}, not {overHttp.GetType().Name}");
        Assert.Equal((overHttp.StatusCode, overHttp.ProblemType, overHttp.Title, overHttp.Detail, overHttp.Message),
            (inProcess.StatusCode, inProcess.ProblemType, inProcess.Title, inProcess.Detail, inProcess.Message));
        Assert.Equal(WithoutTraceId(overHttp.RawProblem), WithoutTraceId(inProcess.RawProblem));
        if (overHttp is JobValidationException invalid)
            Assert.Equal(JsonSerializer.Serialize(invalid.Errors), JsonSerializer.Serialize(((JobValidationException)inProcess).Errors));
    }

    private static string? WithoutTraceId(JsonElement? problem)
    {
        if (problem is not { } document) return null;
        var node = JsonNode.Parse(document.GetRawText())!.AsObject();
        node.Remove("traceId");
        return node.ToJsonString();
    }
}
