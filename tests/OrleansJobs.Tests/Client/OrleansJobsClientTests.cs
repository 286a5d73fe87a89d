using System.Diagnostics;
using System.Net;
using OrleansJobs.Client;
using static OrleansJobs.Tests.Infrastructure.ClientJobs;
using JobStatus = OrleansJobs.Client.JobStatus;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Client;

/// <summary>The client against the real silo host on loopback: every method, and every error the server answers today.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed partial class OrleansJobsClientTests(SiloHostFixture host) : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly RecordingHandler _requests = new(new SocketsHttpHandler());
    private readonly List<OrleansJobsClient> _clients = [];
    private HttpClient? _http;

    /// <summary>A client of its own over a recording handler, so a test can see the requests it made.</summary>
    private OrleansJobsClient NewClient(OrleansJobsClientOptions? options = null)
    {
        _http ??= new HttpClient(_requests) { BaseAddress = host.BaseAddress };
        var client = new OrleansJobsClient(_http, options);
        _clients.Add(client); // WaitForCompletionAsync opens a hub connection, closed with the client
        return client;
    }

    private OrleansJobsClient Client => NewClient();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients) await client.DisposeAsync();
        _http?.Dispose();
    }

    [Fact]
    public async Task Submit_returns_the_accepted_job_and_get_reads_it_once_it_has_succeeded()
    {
        var client = Client;
        var job = await client.SubmitAsync("noop", new SubmitOptions { Tags = new Dictionary<string, string> { ["tenant"] = "acme" } }, Token);

        Assert.Matches("^job_[0-9a-f]{32}$", job.Id);
        Assert.Equal("noop", job.Type);
        Assert.Equal("default", job.Queue);
        Assert.Contains(job.Status, new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded });
        Assert.Equal("acme", job.Tags!["tenant"]);
        var done = await client.WaitForCompletionAsync(job.Id, Timeout, Token);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.True(done.IsFinished);
        var read = await client.GetAsync(job.Id, Token);
        Assert.Equal(JobStatus.Succeeded, read.Status);
        Assert.Equal(AttemptOutcome.Succeeded, Assert.Single(read.Attempts).Outcome);
        Assert.NotNull(read.CompletedAt);
    }

    [Fact]
    public async Task Every_submit_option_reaches_the_server_under_its_field_name()
    {
        var runAt = new DateTimeOffset(2099, 12, 1, 10, 0, 0, TimeSpan.FromHours(1));
        var key = "every-option-" + Guid.NewGuid();
        var queue = NewQueue();

        var job = await Client.SubmitAsync("delay", new DelayPayload("00:00:01", 2), new SubmitOptions
        {
            Queue = queue,
            Priority = 7,
            RunAt = runAt,
            MaxAttempts = 5,
            Retry = new RetryOptions { InitialDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromDays(1.5), Multiplier = 1.5, Jitter = false },
            Timeout = TimeSpan.FromMinutes(30),
            IdempotencyKey = key,
            CorrelationId = "corr-42",
            // An allow-listed host where nothing listens: the cancelled job's callback goes nowhere.
            CallbackUrl = new Uri("http://127.0.0.1:9/done"),
            Tags = new Dictionary<string, string> { ["tenant"] = "acme", ["team"] = "media" },
            ConcurrencyKey = "tenant-42",
        }, Token);

        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.Equal(runAt, job.ScheduledAt);
        Assert.Equal(queue, job.Queue);
        Assert.Equal(7, job.Priority);
        Assert.Equal(5, job.MaxAttempts);
        Assert.Equal(new RetryPolicy { InitialDelay = TimeSpan.FromSeconds(3), MaxDelay = TimeSpan.FromDays(1.5), Multiplier = 1.5, Jitter = false }, job.Retry);
        Assert.Equal(TimeSpan.FromMinutes(30), job.Timeout);
        Assert.Equal(key, job.IdempotencyKey);
        Assert.Equal("corr-42", job.CorrelationId);
        Assert.Equal(new Dictionary<string, string> { ["tenant"] = "acme", ["team"] = "media" }, job.Tags);
        Assert.Equal("tenant-42", job.ConcurrencyKey);
        Assert.Equal(new DelayPayload("00:00:01", 2), job.GetPayload<DelayPayload>());
        Assert.Equal(key, Assert.Single(_requests.Sent).IdempotencyKey);

        var cancelled = await Client.CancelAsync(job.Id, Token);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Empty(cancelled.Attempts);
    }

    [Fact]
    public async Task Delay_schedules_the_job_that_far_ahead()
    {
        var before = DateTimeOffset.UtcNow;
        var job = await Client.SubmitAsync("noop", new SubmitOptions { Delay = TimeSpan.FromHours(1) }, Token);

        Assert.Equal(JobStatus.Scheduled, job.Status);
        Assert.InRange(job.ScheduledAt!.Value, before.AddHours(1).AddSeconds(-1), DateTimeOffset.UtcNow.AddHours(1).AddSeconds(1));
        await Client.CancelAsync(job.Id, Token);
    }

    [Fact]
    public async Task Run_at_and_delay_together_are_refused_before_any_request()
    {
        var options = new SubmitOptions { RunAt = DateTimeOffset.UtcNow, Delay = TimeSpan.FromMinutes(1) };

        await Assert.ThrowsAsync<ArgumentException>(() => Client.SubmitAsync("noop", options, Token));
        Assert.Empty(_requests.Sent);
    }

    [Fact]
    public async Task Submit_and_wait_returns_the_succeeded_job_with_its_typed_result()
    {
        var job = await Client.SubmitAndWaitAsync("delay", new DelayPayload("00:00:00.2", Steps: 2), Timeout, cancellationToken: Token);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(new DelayResult(2), job.GetResult<DelayResult>());
        Assert.Equal(100, job.Progress!.Percent);
        Assert.Contains("wait=", Assert.Single(_requests.Sent).Uri.Query);
    }

    [Fact]
    public async Task Submit_and_wait_asks_again_with_the_same_key_when_the_servers_wait_ends_first()
    {
        var queue = NewQueue();
        var client = NewClient(new OrleansJobsClientOptions { LongPollWait = TimeSpan.FromSeconds(1) });

        var clock = Stopwatch.StartNew();
        var job = await client.SubmitAndWaitAsync("delay", new DelayPayload("00:00:03", 3), Timeout, new SubmitOptions { Queue = queue }, Token);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        var posts = _requests.Sent.Where(r => r.Method == HttpMethod.Post).ToList();
        // A 3 s job, 1 s per request: at least three requests, and about one a second (none in a tight loop).
        Assert.InRange(posts.Count, 3, (int)clock.Elapsed.TotalSeconds + 2);
        Assert.All(posts, post => Assert.Contains("wait=1000ms", post.Uri.Query));
        Assert.Single(posts.Select(post => post.IdempotencyKey).Distinct());
        Assert.NotNull(posts[0].IdempotencyKey);
        Assert.Equal([job.Id], await client.ListAsync(new JobListFilter { Queue = queue }, Token).Select(j => j.Id).ToListAsync(Token));
    }

    [Fact]
    public async Task Submit_and_wait_returns_a_failed_job_whose_result_cannot_be_read()
    {
        var job = await Client.SubmitAndWaitAsync("delay", new DelayPayload("00:00:00", FailAttempts: 1), Timeout, new SubmitOptions { MaxAttempts = 1 }, Token);

        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("fails on purpose", job.Error!.Message);
        var error = Assert.Throws<InvalidOperationException>(() => job.GetResult<DelayResult>());
        Assert.Contains("Failed", error.Message);
    }

    [Fact]
    public async Task Submit_and_wait_gives_up_at_the_timeout_with_the_unfinished_job()
    {
        var client = Client;
        var timeout = TimeSpan.FromSeconds(1);

        var error = await Assert.ThrowsAsync<JobWaitTimeoutException>(() =>
            client.SubmitAndWaitAsync("delay", new DelayPayload("00:00:30"), timeout, cancellationToken: Token));

        Assert.Equal(timeout, error.Timeout);
        Assert.False(error.Job.IsFinished);
        Assert.Equal(error.Job.Id, (await client.CancelAsync(error.Job.Id, Token)).Id);
    }

    [Fact]
    public async Task Wait_for_completion_polls_until_the_job_ends_when_the_hub_cannot_be_reached()
    {
        // No hub at this path: the wait falls back from the job's live events to polling.
        var client = NewClient(new OrleansJobsClientOptions
        {
            HubPath = "hubs/nowhere", MinPollInterval = TimeSpan.FromMilliseconds(50), MaxPollInterval = TimeSpan.FromMilliseconds(400),
        });
        var job = await client.SubmitAsync("delay", new DelayPayload("00:00:02", 2), cancellationToken: Token);
        var clock = Stopwatch.StartNew();

        var done = await client.WaitForCompletionAsync(job.Id, Timeout, Token);

        Assert.Equal(JobStatus.Succeeded, done.Status);
        // Pauses of 50, 100, 200, then 400 ms: a read at the start, three in the first 350 ms, then one per 400 ms at most.
        var reads = _requests.Sent.Count(r => r.Method == HttpMethod.Get);
        Assert.InRange(reads, 4, 4 + (int)(clock.Elapsed.TotalMilliseconds / 400) + 1);
    }

    [Fact]
    public async Task Wait_for_completion_gives_up_at_the_timeout_with_the_job_as_last_seen()
    {
        var client = Client;
        var job = await client.SubmitAsync("noop", new SubmitOptions { Delay = TimeSpan.FromHours(1) }, Token);

        var error = await Assert.ThrowsAsync<JobWaitTimeoutException>(() => client.WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(600), Token));

        Assert.Equal(job.Id, error.Job.Id);
        Assert.Equal(JobStatus.Scheduled, error.Job.Status);
        await client.CancelAsync(job.Id, Token);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_returns_the_first_job()
    {
        var key = "invoice-" + Guid.NewGuid();
        var first = await Client.SubmitAsync("noop", new SubmitOptions { IdempotencyKey = key }, Token);
        var again = await Client.SubmitAsync("delay", new DelayPayload("00:00:05"), new SubmitOptions { IdempotencyKey = key }, Token);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal("noop", again.Type);
        Assert.Equal(key, again.IdempotencyKey);
    }

    [Fact]
    public async Task Submits_without_a_key_get_a_fresh_generated_key_each()
    {
        var first = await Client.SubmitAsync("noop", cancellationToken: Token);
        var second = await Client.SubmitAsync("noop", cancellationToken: Token);

        Assert.NotEqual(first.Id, second.Id);
        var keys = _requests.Sent.Select(r => r.IdempotencyKey).ToList();
        Assert.All(keys, key => Assert.False(string.IsNullOrEmpty(key)));
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Equal(keys, [first.IdempotencyKey, second.IdempotencyKey]);
    }

    [Fact]
    public async Task List_follows_the_cursor_page_by_page_and_yields_every_job_once_newest_first()
    {
        var queue = NewQueue();
        var submitted = new HashSet<string>();
        for (var i = 0; i < 25; i++)
            submitted.Add((await Client.SubmitAsync("noop", new SubmitOptions { Queue = queue }, Token)).Id);
        var client = Client;
        var before = _requests.Sent.Count;

        var listed = await client.ListAsync(new JobListFilter { Queue = queue, PageSize = 10 }, Token).ToListAsync(Token);

        Assert.Equal(3, _requests.Sent.Count - before);
        Assert.Equal(25, listed.Count);
        Assert.Equal(submitted, listed.Select(job => job.Id).ToHashSet());
        // Newest first as the store keeps creation times, to the millisecond (two jobs of one millisecond go by id).
        var created = listed.Select(job => job.CreatedAt.ToUnixTimeMilliseconds()).ToList();
        Assert.Equal(created.OrderDescending(), created);
        Assert.Contains("cursor=", _requests.Sent[^1].Uri.Query);
    }

    [Fact]
    public async Task List_stops_fetching_when_the_caller_stops_enumerating()
    {
        var queue = NewQueue();
        for (var i = 0; i < 5; i++)
            await Client.SubmitAsync("noop", new SubmitOptions { Queue = queue }, Token);
        var before = _requests.Sent.Count;

        var firstTwo = await Client.ListAsync(new JobListFilter { Queue = queue, PageSize = 2 }, Token).Take(2).ToListAsync(Token);

        Assert.Equal(2, firstTwo.Count);
        Assert.Equal(1, _requests.Sent.Count - before);
    }

    [Fact]
    public async Task List_filters_by_status_and_type()
    {
        var queue = NewQueue();
        var succeeded = await Client.SubmitAndWaitAsync("noop", Timeout, new SubmitOptions { Queue = queue }, Token);
        var failed = await Client.SubmitAndWaitAsync("delay", new DelayPayload("00:00:00", FailAttempts: 1), Timeout, new SubmitOptions { Queue = queue, MaxAttempts = 1 }, Token);

        Assert.Equal([failed.Id], await Client.ListAsync(new JobListFilter { Queue = queue, Status = JobStatus.Failed }, Token).Select(j => j.Id).ToListAsync(Token));
        Assert.Equal([succeeded.Id], await Client.ListAsync(new JobListFilter { Queue = queue, Type = "noop" }, Token).Select(j => j.Id).ToListAsync(Token));
        Assert.Empty(await Client.ListAsync(new JobListFilter { Queue = queue, Type = "http" }, Token).ToListAsync(Token));
    }

    [Fact]
    public async Task List_brings_payloads_and_results_only_when_asked()
    {
        var queue = NewQueue();
        var done = await Client.SubmitAndWaitAsync("delay", new DelayPayload("00:00:00", Steps: 1), Timeout, new SubmitOptions { Queue = queue }, Token);
        Assert.NotNull(done.Result);

        var plain = Assert.Single(await Client.ListAsync(new JobListFilter { Queue = queue }, Token).ToListAsync(Token));
        Assert.Equal((null, null), (plain.Payload, plain.Result));
        var full = Assert.Single(await Client.ListAsync(new JobListFilter { Queue = queue, IncludePayload = true, IncludeResult = true }, Token).ToListAsync(Token));
        Assert.Equal("00:00:00", full.Payload?.GetProperty("duration").GetString());
        Assert.Equal(done.Result.ToString(), full.Result.ToString());
        var resultOnly = Assert.Single(await Client.ListAsync(new JobListFilter { Queue = queue, IncludeResult = true }, Token).ToListAsync(Token));
        Assert.Equal((false, true), (resultOnly.Payload.HasValue, resultOnly.Result.HasValue));
    }

    [Fact]
    public async Task Cancel_of_a_running_job_answers_it_cancelled()
    {
        var client = Client;
        var job = await client.SubmitAsync("delay", new DelayPayload("00:00:30"), cancellationToken: Token);
        await WaitForStatusAsync(client, job.Id, JobStatus.Running);

        var cancelled = await client.CancelAsync(job.Id, Token);

        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal(AttemptOutcome.Cancelled, Assert.Single(cancelled.Attempts).Outcome);
    }

    [Fact]
    public async Task Cancel_of_a_finished_job_is_a_conflict_naming_its_status()
    {
        var job = await Client.SubmitAndWaitAsync("noop", Timeout, cancellationToken: Token);

        var error = await Assert.ThrowsAsync<JobConflictException>(() => Client.CancelAsync(job.Id, Token));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal(JobStatus.Succeeded, error.CurrentStatus);
        Assert.Equal(job.Id, error.JobId);
        Assert.False(string.IsNullOrEmpty(error.Title));
        Assert.Contains(job.Id, error.Detail);
        Assert.Equal("Succeeded", error.RawProblem!.Value.GetProperty("jobStatus").GetString());
        Assert.Contains(error.Detail!, error.Message);
    }

    [Fact]
    public async Task Retry_of_a_failed_job_runs_it_again_until_it_succeeds()
    {
        var client = Client;
        var failed = await client.SubmitAndWaitAsync("delay", new DelayPayload("00:00:00", FailAttempts: 1), Timeout, new SubmitOptions { MaxAttempts = 1 }, Token);
        Assert.Equal(JobStatus.Failed, failed.Status);

        var retried = await client.RetryAsync(failed.Id, Token);
        Assert.Contains(retried.Status, new[] { JobStatus.Queued, JobStatus.Running, JobStatus.Succeeded });

        var done = await client.WaitForCompletionAsync(failed.Id, Timeout, Token);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal([AttemptOutcome.Failed, AttemptOutcome.Succeeded], done.Attempts.Select(a => a.Outcome));
    }

    [Fact]
    public async Task Retry_of_a_succeeded_job_is_a_conflict_naming_its_status()
    {
        var job = await Client.SubmitAndWaitAsync("noop", Timeout, cancellationToken: Token);

        var error = await Assert.ThrowsAsync<JobConflictException>(() => Client.RetryAsync(job.Id, Token));

        Assert.Equal(JobStatus.Succeeded, error.CurrentStatus);
        Assert.Contains("Failed or Cancelled", error.Detail);
    }

    [Theory]
    [InlineData("job_00000000000000000000000000000000")]
    [InlineData("not-a-job")]
    public async Task Unknown_ids_are_not_found_for_get_cancel_retry_and_wait(string id)
    {
        var client = Client;
        var errors = new[]
        {
            await Assert.ThrowsAsync<JobNotFoundException>(() => client.GetAsync(id, Token)),
            await Assert.ThrowsAsync<JobNotFoundException>(() => client.CancelAsync(id, Token)),
            await Assert.ThrowsAsync<JobNotFoundException>(() => client.RetryAsync(id, Token)),
            await Assert.ThrowsAsync<JobNotFoundException>(() => client.WaitForCompletionAsync(id, Timeout, Token)),
        };
        Assert.All(errors, error =>
        {
            Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
            Assert.Equal(id, error.JobId);
            Assert.Contains(id, error.Detail);
        });
    }

    [Fact]
    public async Task An_invalid_submit_is_a_validation_error_with_every_field_named()
    {
        var error = await Assert.ThrowsAsync<JobValidationException>(() => Client.SubmitAsync("transcode",
            new SubmitOptions { Queue = "no spaces", MaxAttempts = 0, Retry = new RetryOptions { Multiplier = 0.5 } }, Token));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal(["maxAttempts", "queue", "retry.multiplier", "type"], error.Errors.Keys.Order());
        Assert.Contains("transcode", error.Errors["type"].Single());
        Assert.Contains("queue:", error.Message);
    }

    [Fact]
    public async Task A_bad_list_filter_is_a_validation_error_naming_it()
    {
        var error = await Assert.ThrowsAsync<JobValidationException>(async () =>
            await Client.ListAsync(new JobListFilter { PageSize = 501 }, Token).ToListAsync(Token));

        Assert.Equal(["limit"], error.Errors.Keys);
    }

    [Fact]
    public async Task A_payload_over_the_limit_is_a_validation_error_with_status_413()
    {
        var error = await Assert.ThrowsAsync<JobValidationException>(() =>
            Client.SubmitAsync("noop", new { text = new string('x', 2 * SiloHostFixture.MaxPayloadBytes) }, cancellationToken: Token));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, error.StatusCode);
        Assert.Empty(error.Errors);
        Assert.Contains($"{SiloHostFixture.MaxPayloadBytes} bytes", error.Detail);
    }

    [Fact]
    public void The_blocking_wrappers_do_what_the_async_methods_do()
    {
        IOrleansJobsClient client = Client;
        var queue = NewQueue();

        var done = client.SubmitAndWait("delay", new DelayPayload("00:00:00", 1), Timeout, new SubmitOptions { Queue = queue }, Token);
        Assert.Equal(new DelayResult(1), done.GetResult<DelayResult>());
        Assert.Equal(JobStatus.Succeeded, client.SubmitAndWait("noop", Timeout, new SubmitOptions { Queue = queue }, Token).Status);

        var failed = client.SubmitAndWait("delay", new DelayPayload("00:00:00", FailAttempts: 1), Timeout, new SubmitOptions { Queue = queue, MaxAttempts = 1 }, Token);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(failed.Id, client.Retry(failed.Id, Token).Id);
        Assert.Equal(JobStatus.Succeeded, client.WaitForCompletion(failed.Id, Timeout, Token).Status);

        var scheduled = client.Submit("noop", new SubmitOptions { Queue = queue, Delay = TimeSpan.FromHours(1) }, Token);
        Assert.Equal(JobStatus.Scheduled, client.Get(scheduled.Id, Token).Status);
        Assert.Equal(JobStatus.Cancelled, client.Cancel(scheduled.Id, Token).Status);

        var withPayload = client.Submit("delay", new DelayPayload("00:00:00"), new SubmitOptions { Queue = queue }, Token);
        Assert.Equal(new DelayPayload("00:00:00"), withPayload.GetPayload<DelayPayload>());
        Assert.Equal(5, client.List(new JobListFilter { Queue = queue, PageSize = 2 }, Token).Count());

        Assert.Throws<JobNotFoundException>(() => client.Get("job_00000000000000000000000000000000", Token));
        Assert.Throws<JobConflictException>(() => client.Cancel(done.Id, Token));
    }

    private static async Task WaitForStatusAsync(IOrleansJobsClient client, string id, JobStatus status) =>
        await Infrastructure.Eventually.Until(async () => (await client.GetAsync(id, Token)).Status == status,
            Timeout, TimeSpan.FromMilliseconds(50), $"job {id} did not become {status}");
}
