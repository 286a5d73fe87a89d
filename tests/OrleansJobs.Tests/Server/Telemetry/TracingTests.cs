using System.Collections.Concurrent;
using System.Diagnostics;
using OrleansJobs.Client;
using OrleansJobs.Telemetry;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Telemetry;

/// <summary>
/// Traces on the real host (API, grains, handlers): spans are captured in this process with an
/// <see cref="ActivityListener"/>, beside the host's own OpenTelemetry pipeline.
/// </summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class TracingTests : IDisposable
{
    private readonly SiloHostFixture host;
    private const string AspNetCoreSource = "Microsoft.AspNetCore";
    private readonly ConcurrentQueue<Activity> _ended = new();
    private readonly ActivityListener _listener;

    public TracingTests(SiloHostFixture host)
    {
        this.host = host;
        _listener = Listen(_ended, JobTelemetry.Name, AspNetCoreSource, OrleansJobsClient.ActivitySourceName);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Every_attempt_is_a_child_of_the_submit_span_with_its_attributes_and_the_failure_recorded()
    {
        var (traceId, callerSpan) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());
        var (response, submitted) = await host.Http.PostJsonAsync("/api/jobs",
            """{ "type": "delay", "queue": "traced", "payload": { "duration": "00:00:00.1", "steps": 1, "failAttempts": 1 }, "retry": { "initialDelay": "00:00:00.2", "jitter": false } }""",
            request => request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var id = submitted.GetProperty("id").GetString()!;
        Assert.Equal(traceId.ToHexString(), submitted.GetProperty("traceId").GetString());

        var job = await host.Http.WaitUntilFinishedAsync(id);
        Assert.Equal("Succeeded", JobApi.Status(job));
        var attempts = await SpansAsync(traceId, span => span.OperationName == "job.attempt delay", count: 2);

        // The submit span is the API's server span, itself a child of the caller's span.
        var submit = Assert.Single(_ended, span => span.TraceId == traceId && span.Source.Name == AspNetCoreSource);
        Assert.Equal(callerSpan, submit.ParentSpanId);
        Assert.Equal(ActivityKind.Server, submit.Kind);
        Assert.Equal(id, submit.GetTagItem("job.id"));
        Assert.Contains(submit.Events, e => e.Name == "job.submitted");

        Assert.All(attempts, span =>
        {
            Assert.Equal(submit.SpanId, span.ParentSpanId);
            Assert.Equal(id, span.GetTagItem("job.id"));
            Assert.Equal("delay", span.GetTagItem("job.type"));
            Assert.Equal("traced", span.GetTagItem("job.queue"));
            Assert.Contains(span.Events, e => e.Name == "job.waited");
        });
        var (first, second) = (attempts.Single(s => (int)s.GetTagItem("job.attempt")! == 1), attempts.Single(s => (int)s.GetTagItem("job.attempt")! == 2));
        Assert.Equal("failed", first.GetTagItem("job.outcome"));
        Assert.Equal(ActivityStatusCode.Error, first.Status);
        var exception = Assert.Single(first.Events, e => e.Name == "exception");
        Assert.Contains("fails on purpose", exception.Tags.Single(t => t.Key == "exception.message").Value as string);
        Assert.Contains(first.Events, e => e.Name == "job.retry_scheduled");
        Assert.Equal("succeeded", second.GetTagItem("job.outcome"));
        Assert.Equal(ActivityStatusCode.Ok, second.Status);
        Assert.Equal("retry", second.Events.Single(e => e.Name == "job.waited").Tags.Single(t => t.Key == "job.wait.reason").Value);

        // The job's JSON names each attempt's span, for pasting into a tracing UI.
        var spanIds = job.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("spanId").GetString()!).ToArray();
        Assert.Equal([first.SpanId.ToHexString(), second.SpanId.ToHexString()], spanIds);
    }

    [Fact]
    public async Task A_job_submitted_without_trace_context_gets_a_trace_of_its_own()
    {
        var id = await host.Http.SubmitAsync("""{ "type": "noop" }""");
        var job = await host.Http.WaitUntilFinishedAsync(id);
        var traceId = ActivityTraceId.CreateFromString(job.GetProperty("traceId").GetString());
        var attempt = Assert.Single(await SpansAsync(traceId, span => span.Source.Name == JobTelemetry.Name, count: 1));
        Assert.Equal(job.GetProperty("attempts")[0].GetProperty("spanId").GetString(), attempt.SpanId.ToHexString());
    }

    [Fact]
    public async Task The_client_library_starts_a_span_whose_trace_the_job_joins()
    {
        await using var client = new OrleansJobsClient(host.Http);
        var job = await client.SubmitAsync("noop", cancellationToken: TestContext.Current.CancellationToken);

        var clientSpan = Assert.Single(_ended, span => span.Source.Name == OrleansJobsClient.ActivitySourceName && Equals(span.GetTagItem("job.id"), job.Id));
        Assert.Equal(ActivityKind.Client, clientSpan.Kind);
        Assert.Equal("noop", clientSpan.GetTagItem("job.type"));
        Assert.Equal(clientSpan.TraceId.ToHexString(), job.TraceId);
        var finished = await client.WaitForCompletionAsync(job.Id, TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var attempt = Assert.Single(await SpansAsync(clientSpan.TraceId, span => span.Source.Name == JobTelemetry.Name, count: 1));
        Assert.Equal(finished.Attempts[0].SpanId, attempt.SpanId.ToHexString());
    }

    [Fact]
    public async Task A_completion_callback_continues_the_job_trace_and_carries_its_correlation_id()
    {
        await using var target = new HttpTarget();
        await target.InitializeAsync();
        var (url, name) = target.Answering(200);
        var traceId = ActivityTraceId.CreateRandom();
        var (response, submitted) = await host.Http.PostJsonAsync("/api/jobs",
            $$"""{ "type": "noop", "callbackUrl": "{{url}}", "correlationId": "cb-7" }""",
            request => request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01"));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var id = submitted.GetProperty("id").GetString()!;

        await Infrastructure.Eventually.Until(() => Task.FromResult(target.Posts(name).Count > 0),
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), "the callback did not arrive");
        var post = Assert.Single(target.Posts(name));
        Assert.Equal("cb-7", post.Headers["X-Correlation-Id"]);
        var parent = post.Headers["traceparent"].Split('-');
        Assert.Equal(traceId.ToHexString(), parent[1]);
        // The delivery's span is in the job's trace, and the receiver's parent is that span or its HTTP client span.
        var delivery = Assert.Single(await SpansAsync(traceId, span => span.OperationName == "job.callback", count: 1));
        Assert.Equal(id, delivery.GetTagItem("job.id"));
        Assert.Equal(ActivityStatusCode.Unset, delivery.Status);
    }

    /// <summary>Waits for <paramref name="count"/> ended spans of the trace that match; spans end just after the job's last write.</summary>
    private async Task<IReadOnlyList<Activity>> SpansAsync(ActivityTraceId traceId, Func<Activity, bool> match, int count)
    {
        List<Activity> found = [];
        await Infrastructure.Eventually.Until(() =>
        {
            found = _ended.Where(span => span.TraceId == traceId && match(span)).ToList();
            return Task.FromResult(found.Count >= count);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(20), $"expected {count} spans of trace {traceId}");
        Assert.Equal(count, found.Count);
        return found;
    }

    private static ActivityListener Listen(ConcurrentQueue<Activity> ended, params string[] sources)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => sources.Contains(source.Name),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = ended.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}
