using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using static OrleansJobs.Tests.Infrastructure.MetricsScrape;
using static OrleansJobs.Tests.Infrastructure.ProcessApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Telemetry;

/// <summary>
/// Metrics, correlation ids and traces as an operator sees them, on the built silo in a process of its own: its
/// <c>/metrics</c> (so counts are this silo's alone), its JSON console log, its span file across a SIGKILL.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ObservabilityProcessTests : IDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;
    private readonly string _folder = Directory.CreateTempSubdirectory("orleansjobs-observability-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Metrics_count_submits_completions_and_attempts_exactly()
    {
        await using var silo = SiloProcess.Start(new SiloProcessOptions { Args = ["--OrleansJobs:Telemetry:JobCountInterval=00:00:00.5"] });
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var before = await ScrapeAsync(silo.Http);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add(await SubmitAsync(silo.Http, new { type = "noop" }));
        for (var i = 0; i < 2; i++)
            ids.Add(await SubmitAsync(silo.Http, new { type = "delay", payload = new { duration = "00:00:00.05", failAttempts = 5 }, maxAttempts = 2, retry = new { initialDelay = "00:00:00.1", jitter = false } }));
        await UntilEveryAsync(silo.Http, ids, status => status is "Succeeded" or "Failed", TimeSpan.FromSeconds(30), "the jobs did not finish");

        (string Series, double Delta)[] expected =
        [
            ("orleansjobs_jobs_submitted_total{type=noop}", 5),
            ("orleansjobs_jobs_submitted_total{type=delay}", 2),
            ("orleansjobs_jobs_submitted_total", 7),
            ("orleansjobs_jobs_completed_total{status=succeeded,type=noop}", 5),
            ("orleansjobs_jobs_completed_total{status=failed,type=delay}", 2),
            ("orleansjobs_jobs_completed_total", 7),
            ("orleansjobs_attempts_total{outcome=succeeded,type=noop}", 5),
            ("orleansjobs_attempts_total{outcome=failed,type=delay}", 4),
            ("orleansjobs_attempts_total", 9),
            ("orleansjobs_attempt_duration_seconds_count{type=delay}", 4),
            ("orleansjobs_attempt_duration_seconds_count", 9),
            ("orleansjobs_start_delay_seconds_count", 9),
        ];
        // Counters move right after the write that the listing saw: wait until they have, then they must be exact.
        Dictionary<string, double> after = [];
        await Eventually.Until(async () =>
        {
            after = await ScrapeAsync(silo.Http);
            return expected.All(e => Sum(after, e.Series) - Sum(before, e.Series) >= e.Delta);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "the metrics did not count every job");
        Assert.All(expected, e => Assert.True(Sum(after, e.Series) - Sum(before, e.Series) == e.Delta,
            $"{e.Series}: expected +{e.Delta}, got +{Sum(after, e.Series) - Sum(before, e.Series)}"));
        Assert.True(Sum(after, "orleansjobs_attempt_duration_seconds_sum{type=delay}") > 0);

        // The store timed each write it answered, and its batches carried exactly those writes (once it is quiet:
        // a scrape can fall between a batch's two records).
        await Eventually.Until(async () =>
        {
            var now = await ScrapeAsync(silo.Http);
            var writes = Sum(now, "orleansjobs_store_write_duration_seconds_count{store=sqlite}") - Sum(before, "orleansjobs_store_write_duration_seconds_count{store=sqlite}");
            var batched = Sum(now, "orleansjobs_store_batch_size_sum{store=sqlite}") - Sum(before, "orleansjobs_store_batch_size_sum{store=sqlite}");
            return writes >= ids.Count && writes == batched;
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "the store did not time every write of its batches (orleansjobs_store_write_duration_seconds against orleansjobs_store_batch_size)");
        Assert.True(Sum(after, "orleansjobs_store_commit_duration_seconds_count{store=sqlite}") > 0);
        // The API's answer times have buckets fine enough for milliseconds (ASP.NET Core's own start at 5 ms).
        Assert.True(after.Keys.Any(k => k.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal) && k.Contains("le=\"0.002\"", StringComparison.Ordinal)),
            "http_server_request_duration_seconds has no 2 ms bucket");

        // The gauge counts the job table: a job scheduled an hour ahead shows up, and only once it exists.
        const string gauge = "orleansjobs_jobs{queue=gauge-test,status=scheduled}";
        Assert.Equal(0, Sum(after, gauge));
        await SubmitAsync(silo.Http, new { type = "noop", queue = "gauge-test", runAt = DateTimeOffset.UtcNow.AddHours(1) });
        await Eventually.Until(async () => Sum(await ScrapeAsync(silo.Http), gauge) == 1,
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200), "the orleansjobs_jobs gauge did not count the scheduled job");
        var last = await ScrapeAsync(silo.Http);
        Assert.Equal(0, Sum(last, "orleansjobs_jobs{queue=default,status=running}"));

        // Every metric the Grafana dashboard under deploy/ charts is one the silo serves.
        var served = last.Keys.Select(series => Split(series).Name).ToHashSet();
        Assert.All(Deployment.GrafanaDashboard.MetricNames(), name => Assert.Contains(name, served));
    }

    [Fact]
    public async Task A_correlation_id_reaches_the_response_the_job_the_http_target_and_every_log_line_of_its_attempts()
    {
        await using var target = new HttpTarget();
        await target.InitializeAsync();
        await using var silo = SiloProcess.Start(new SiloProcessOptions
        {
            Args = [$"--OrleansJobs:Http:AllowedHosts=127.0.0.1:{target.BaseAddress.Port}"],
            Environment = new Dictionary<string, string?>
            {
                ["Logging__Console__FormatterName"] = "json",
                ["Logging__LogLevel__OrleansJobs"] = "Debug",
            },
        });
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        const string correlationId = "order-4711";
        var (url, name) = target.Answering(500, 200);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = JsonContent.Create(new { type = "http", payload = new { url, method = "POST", body = new { order = 4711 } }, retry = new { initialDelay = "00:00:00.1", jitter = false } }),
        };
        request.Headers.Add("X-Correlation-Id", correlationId);
        using var response = await silo.Http.SendAsync(request, Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(correlationId, response.Headers.GetValues("X-Correlation-Id").Single());
        var submitted = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        var id = submitted.GetProperty("id").GetString()!;
        var traceId = submitted.GetProperty("traceId").GetString()!;
        Assert.Equal(correlationId, submitted.GetProperty("correlationId").GetString());

        var job = (await UntilEveryAsync(silo.Http, [id], status => status is "Succeeded" or "Failed", TimeSpan.FromSeconds(30), "the http job did not finish"))[id];
        Assert.Equal(["Failed", "Succeeded"], Outcomes(job));

        // Both calls carried the correlation id, and the trace on into the called service.
        var posts = target.Posts(name);
        Assert.Equal(2, posts.Count);
        Assert.All(posts, post =>
        {
            Assert.Equal(correlationId, post.Headers["X-Correlation-Id"]);
            Assert.Equal(traceId, post.Headers["traceparent"].Split('-')[1]);
        });
        // No span leaves this silo (no OTLP endpoint, no span file): spans are created for their ids but not recorded,
        // and the trace goes on unsampled.
        Assert.All(job.GetProperty("attempts").EnumerateArray(), attempt => Assert.Matches("^[0-9a-f]{16}$", attempt.GetProperty("spanId").GetString()));
        Assert.All(posts, post => Assert.Equal("00", post.Headers["traceparent"].Split('-')[3]));

        // A caller whose trace is sampled keeps it sampled through the job: the target is told so.
        var (sampledUrl, sampledName) = target.Answering(200);
        using var sampledRequest = new HttpRequestMessage(HttpMethod.Post, "/api/jobs?wait=10s")
        {
            Content = JsonContent.Create(new { type = "http", payload = new { url = sampledUrl, method = "POST" } }),
        };
        var sampledTrace = ActivityTraceId.CreateRandom().ToHexString();
        sampledRequest.Headers.Add("traceparent", $"00-{sampledTrace}-{ActivitySpanId.CreateRandom()}-01");
        using var sampledResponse = await silo.Http.SendAsync(sampledRequest, Token);
        Assert.Equal("Succeeded", (await sampledResponse.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("status").GetString());
        var sampledPost = Assert.Single(target.Posts(sampledName));
        var sampledParent = sampledPost.Headers["traceparent"].Split('-');
        Assert.Equal(sampledTrace, sampledParent[1]);
        Assert.Equal("01", sampledParent[3]);

        // Every JSON log line written for this job's attempts carries the four values as scope fields.
        List<JsonElement> lines = [];
        await Eventually.Until(() =>
        {
            lines = LogLinesOf(silo, id);
            return Task.FromResult(lines.Count(line => Scope(line, "Attempt") is not null) >= 4);
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "the attempts' log lines did not appear");
        var attemptLines = lines.Where(line => Scope(line, "Attempt") is not null).ToList();
        Assert.All(attemptLines, line =>
        {
            Assert.Equal(correlationId, Scope(line, "CorrelationId"));
            Assert.Equal(traceId, Scope(line, "TraceId"));
        });
        Assert.Equal(["1", "2"], attemptLines.Select(line => Scope(line, "Attempt")).Distinct().Order());
        Assert.Contains(attemptLines, line => line.GetProperty("Message").GetString()!.Contains("ended Failed", StringComparison.Ordinal));
        // The submit request's own lines too: anything logged under its JobId carries the correlation id.
        Assert.All(lines, line => Assert.Equal(correlationId, Scope(line, "CorrelationId")));
    }

    [Fact]
    public async Task Traces_and_metrics_each_turn_off_on_their_own()
    {
        await using (var metricsOff = SiloProcess.Start(new SiloProcessOptions { Args = ["--OrleansJobs:Telemetry:Metrics=false"] }))
        {
            await metricsOff.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            using var scrape = await metricsOff.Http.GetAsync("/metrics", Token);
            Assert.Equal(HttpStatusCode.NotFound, scrape.StatusCode);
            var job = await RunNoopAsync(metricsOff.Http);
            Assert.Matches("^[0-9a-f]{16}$", job.GetProperty("attempts")[0].GetProperty("spanId").GetString());
        }
        await using (var tracesOff = SiloProcess.Start(new SiloProcessOptions { Args = ["--OrleansJobs:Telemetry:Traces=false"] }))
        {
            await tracesOff.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            var job = await RunNoopAsync(tracesOff.Http);
            Assert.Equal(JsonValueKind.Null, job.GetProperty("attempts")[0].GetProperty("spanId").ValueKind);
            await Eventually.Until(async () => (await ScrapeAsync(tracesOff.Http)).Keys.Any(series => series.StartsWith("orleansjobs_jobs_completed_total", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200), "the completed job was not counted on /metrics");
        }
    }

    private static async Task<JsonElement> RunNoopAsync(HttpClient http)
    {
        using var response = await http.PostAsJsonAsync("/api/jobs?wait=10s", new { type = "noop" }, Token);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        Assert.Equal("Succeeded", job.GetProperty("status").GetString());
        return job;
    }

    [Fact]
    public async Task Each_part_of_the_metrics_turns_off_on_its_own()
    {
        // One silo with OrleansJobs' job instruments and the platform's meters off (the store's histograms on), one with
        // the store's histograms off (the rest on): each part shows up in the one silo and not in the other.
        string[] jobSeries = ["orleansjobs_jobs_submitted_total", "orleansjobs_jobs_completed_total", "orleansjobs_attempts_total", "orleansjobs_start_delay_seconds_count"];
        string[] storeSeries = ["orleansjobs_store_write_duration_seconds_count", "orleansjobs_store_commit_duration_seconds_count", "orleansjobs_store_batch_size_count"];
        string[] platformSeries = ["http_server_request_duration_seconds_count", "dotnet_gc_collections_total", "orleans_"];

        await using (var storeOnly = SiloProcess.Start(new SiloProcessOptions
                     {
                         Args = ["--OrleansJobs:Telemetry:JobMetrics=false", "--OrleansJobs:Telemetry:PlatformMetrics=false", "--OrleansJobs:Telemetry:JobCountInterval=00:00:00.2"],
                     }))
        {
            await storeOnly.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            await RunNoopAsync(storeOnly.Http);
            var scrape = await UntilScrapeHasAsync(storeOnly.Http, storeSeries);
            Assert.DoesNotContain(scrape.Keys, series => jobSeries.Any(series.StartsWith) || series.StartsWith("orleansjobs_jobs{", StringComparison.Ordinal));
            Assert.DoesNotContain(scrape.Keys, series => platformSeries.Any(series.StartsWith));
        }
        await using (var storeOff = SiloProcess.Start(new SiloProcessOptions { Args = ["--OrleansJobs:Telemetry:StoreMetrics=false"] }))
        {
            await storeOff.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            await RunNoopAsync(storeOff.Http);
            var scrape = await UntilScrapeHasAsync(storeOff.Http, [.. jobSeries, .. platformSeries]);
            Assert.DoesNotContain(scrape.Keys, series => series.StartsWith("orleansjobs_store_", StringComparison.Ordinal));
        }

        static async Task<Dictionary<string, double>> UntilScrapeHasAsync(HttpClient http, string[] prefixes)
        {
            Dictionary<string, double> scrape = [];
            await Eventually.Until(async () =>
                {
                    scrape = await ScrapeAsync(http);
                    return prefixes.All(prefix => scrape.Keys.Any(series => series.StartsWith(prefix, StringComparison.Ordinal)));
                },
                TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200), $"/metrics lacks one of {string.Join(", ", prefixes)}");
            return scrape;
        }
    }

    [Fact]
    public async Task A_job_without_a_correlation_id_gets_one_and_the_response_says_which()
    {
        await using var silo = SiloProcess.Start();
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        using var response = await silo.Http.PostAsJsonAsync("/api/jobs", new { type = "noop" }, Token);
        var job = await response.Content.ReadFromJsonAsync<JsonElement>(Token);
        var given = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.False(string.IsNullOrWhiteSpace(given));
        Assert.Equal(given, job.GetProperty("correlationId").GetString());

        // One in the body wins over the header, and is what the response echoes.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(new { type = "noop", correlationId = "from-body" }) };
        request.Headers.Add("X-Correlation-Id", "from-header");
        using var bodyWins = await silo.Http.SendAsync(request, Token);
        Assert.Equal("from-body", bodyWins.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal("from-body", (await bodyWins.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task An_attempt_recovered_after_a_sigkill_is_still_a_child_of_the_submit_span_and_grain_calls_join_the_trace()
    {
        var data = Path.Combine(_folder, "data");
        var spanFile = Path.Combine(_folder, "spans.jsonl");
        SiloProcessOptions Options() => new()
        {
            DataDirectory = data,
            Args = ["--OrleansJobs:SweepInterval=00:00:01", $"--OrleansJobs:Telemetry:SpanFile={spanFile}"],
        };
        var (traceId, callerSpan) = (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());

        string id;
        await using (var silo = SiloProcess.Start(Options()))
        {
            await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
            {
                Content = JsonContent.Create(new { type = "delay", payload = new { duration = "00:00:04", steps = 4 } }),
            };
            request.Headers.Add("traceparent", $"00-{traceId}-{callerSpan}-01");
            using var response = await silo.Http.SendAsync(request, Token);
            id = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!;
            await UntilEveryAsync(silo.Http, [id], status => status == "Running", TimeSpan.FromSeconds(20), "the job did not start");
            silo.Kill();
        }

        await using var restarted = SiloProcess.Start(Options());
        await restarted.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var job = (await UntilEveryAsync(restarted.Http, [id], status => status == "Succeeded", TimeSpan.FromSeconds(60), "the job did not finish after the restart"))[id];
        Assert.Equal(["Lost", "Succeeded"], Outcomes(job));

        List<JsonElement> spans = [];
        await Eventually.Until(() =>
        {
            spans = File.ReadAllLines(spanFile).Select(line => JsonSerializer.Deserialize<JsonElement>(line)).Where(s => s.GetProperty("traceId").GetString() == traceId).ToList();
            return Task.FromResult(spans.Any(s => s.GetProperty("name").GetString() == "job.attempt delay"));
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), "the recovered attempt's span was not written");

        var submit = Assert.Single(spans, s => s.GetProperty("parentSpanId").GetString() == callerSpan);
        Assert.Equal("Server", submit.GetProperty("kind").GetString());
        // The first attempt's span died with its silo; the second, on the new process, has the same parent.
        var recovered = Assert.Single(spans, s => s.GetProperty("name").GetString() == "job.attempt delay");
        Assert.Equal(submit.GetProperty("spanId").GetString(), recovered.GetProperty("parentSpanId").GetString());
        Assert.Equal("2", recovered.GetProperty("tags").GetProperty("job.attempt").GetString());
        Assert.Equal("succeeded", recovered.GetProperty("tags").GetProperty("job.outcome").GetString());
        Assert.Equal(job.GetProperty("attempts")[1].GetProperty("spanId").GetString(), recovered.GetProperty("spanId").GetString());
        var waited = recovered.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "job.waited");
        Assert.Equal("recovery", waited.GetProperty("tags").GetProperty("job.wait.reason").GetString());

        // Orleans' grain calls are in the trace: the API's call to the job grain, as the caller's span and the grain's.
        var call = Assert.Single(spans, s => s.GetProperty("name").GetString() == "IJobGrain/Submit" && s.GetProperty("kind").GetString() == "Client");
        Assert.Equal(OrleansRuntimeSource, call.GetProperty("source").GetString());
        Assert.Equal(submit.GetProperty("spanId").GetString(), call.GetProperty("parentSpanId").GetString());
        var served = Assert.Single(spans, s => s.GetProperty("name").GetString() == "IJobGrain/Submit" && s.GetProperty("kind").GetString() == "Server");
        Assert.Equal(call.GetProperty("spanId").GetString(), served.GetProperty("parentSpanId").GetString());
        // Orleans' background work (stream polling, reminders, idle collection) starts no trace of its own: over both
        // silos' lives, every Orleans span written continues some trace.
        var orleansRoots = File.ReadAllLines(spanFile).Select(line => JsonSerializer.Deserialize<JsonElement>(line))
            .Where(s => s.GetProperty("source").GetString()!.StartsWith("Microsoft.Orleans.", StringComparison.Ordinal) && s.GetProperty("parentSpanId").ValueKind == JsonValueKind.Null)
            .Select(s => $"{s.GetProperty("source").GetString()} {s.GetProperty("name").GetString()}")
            .ToList();
        Assert.Empty(orleansRoots);
    }

    private const string OrleansRuntimeSource = "Microsoft.Orleans.Runtime";

    [Fact]
    public async Task With_the_standard_OTLP_variables_set_the_silo_exports_spans_and_metrics_over_OTLP()
    {
        // An OTLP/HTTP receiver of our own: it keeps what arrives, and the test looks for known bytes in it.
        var received = new System.Collections.Concurrent.ConcurrentQueue<(string Signal, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var receiver = builder.Build();
        receiver.MapPost("/v1/{signal}", async (HttpRequest request, string signal) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.Enqueue((signal, body.ToArray()));
            return Results.Bytes([], "application/x-protobuf"); // an empty Export…ServiceResponse
        });
        await receiver.StartAsync(Token);

        await using var silo = SiloProcess.Start(new SiloProcessOptions
        {
            Environment = new Dictionary<string, string?>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Urls.Single(),
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_SERVICE_NAME"] = "orleansjobs-otlp-test",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
                ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            },
        });
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(new { type = "noop" }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await silo.Http.SendAsync(request, Token);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!;
        await UntilEveryAsync(silo.Http, [id], status => status == "Succeeded", TimeSpan.FromSeconds(20), "the job did not finish");

        // Protobuf keeps ids as raw bytes and names as UTF-8: the attempt's span of this trace, from this service.
        var traceBytes = Convert.FromHexString(traceId.ToHexString());
        bool Has(string signal, params byte[][] parts) =>
            received.Any(r => r.Signal == signal && parts.All(part => r.Body.AsSpan().IndexOf(part) >= 0));
        await Eventually.Until(() => Task.FromResult(
                Has("traces", traceBytes, "job.attempt noop"u8.ToArray(), "orleansjobs-otlp-test"u8.ToArray())
                && Has("traces", traceBytes, "IJobGrain/Submit"u8.ToArray(), "Microsoft.Orleans.Runtime"u8.ToArray())
                && Has("metrics", "orleansjobs.jobs.submitted"u8.ToArray())),
            TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200),
            $"the OTLP receiver did not get the job's span and metrics (got {string.Join(", ", received.Select(r => $"{r.Signal} {r.Body.Length} B"))}; " +
            $"span: {Has("traces", traceBytes)} {Has("traces", "job.attempt noop"u8.ToArray())} {Has("traces", "orleansjobs-otlp-test"u8.ToArray())}, " +
            $"grain call: {Has("traces", traceBytes, "IJobGrain/Submit"u8.ToArray())}, metric: {Has("metrics", "orleansjobs.jobs.submitted"u8.ToArray())})");
    }

    /// <summary>The silo's JSON log lines whose scopes (or state) name the job.</summary>
    private static List<JsonElement> LogLinesOf(SiloProcess silo, string jobId) =>
        silo.RecentOutput().Split('\n')
            .Where(line => line.StartsWith("[out] {", StringComparison.Ordinal) && line.Contains(jobId, StringComparison.Ordinal))
            .Select(line => JsonSerializer.Deserialize<JsonElement>(line["[out] ".Length..]))
            .Where(entry => Scope(entry, "JobId") == jobId)
            .ToList();

    /// <summary>A value of the log entry's scopes, as text; the innermost scope that has it wins.</summary>
    private static string? Scope(JsonElement entry, string name)
    {
        if (!entry.TryGetProperty("Scopes", out var scopes)) return null;
        string? value = null;
        foreach (var scope in scopes.EnumerateArray())
            if (scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty(name, out var found) && found.ValueKind != JsonValueKind.Null)
                value = found.ValueKind == JsonValueKind.String ? found.GetString() : found.GetRawText();
        return value;
    }
}
