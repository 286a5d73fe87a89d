using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Client;
using OrleansJobs.Server.Live;
using static OrleansJobs.Tests.Infrastructure.LiveJobs;
using JobStatus = OrleansJobs.Client.JobStatus;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Client;

/// <summary><see cref="OrleansJobsClient.WatchAsync"/> and the push path of <c>WaitForCompletionAsync</c> against the real silo host.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class WatchAsyncTests(SiloHostFixture host) : IAsyncDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly RecordingHandler _requests = new(new SocketsHttpHandler());
    private readonly List<IAsyncDisposable> _disposables = [];

    private OrleansJobsClient NewClient(Uri? baseAddress = null, OrleansJobsClientOptions? options = null)
    {
        var http = new HttpClient(_requests, disposeHandler: false) { BaseAddress = baseAddress ?? host.BaseAddress };
        var client = new OrleansJobsClient(http, options);
        _disposables.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables) await disposable.DisposeAsync();
        _requests.Dispose();
    }

    [Fact]
    public async Task Watch_yields_the_current_state_then_every_progress_report_then_success()
    {
        var client = NewClient();
        var job = await SubmitDelayAsync(client);

        var events = await client.WatchAsync(job.Id, Token).ToListAsync(Token);

        AssertWholeRun(events, steps: 10);
        Assert.Equal(job.Id, events[0].JobId);
        Assert.Contains(events[0].Status, new[] { JobStatus.Scheduled, JobStatus.Queued });
        var done = await client.GetAsync(job.Id, Token);
        Assert.Equal(done.Sequence, events[^1].Sequence);
    }

    [Fact]
    public async Task Watch_goes_on_across_a_dropped_connection_with_no_repeat_and_ends_on_the_final_state()
    {
        await using var relay = new TcpRelay(host.BaseAddress);
        var client = NewClient(relay.Address);
        var job = await SubmitDelayAsync(client, "00:00:03", 10);

        var events = new List<JobEvent>();
        var cut = 0;
        await foreach (var jobEvent in client.WatchAsync(job.Id, Token))
        {
            events.Add(jobEvent);
            if (jobEvent is { Kind: JobEventKind.Progress, Percent: >= 30 } && cut == 0)
                cut = relay.Cut();
        }

        Assert.True(cut > 0, "the relay had no connection to cut");
        var afterCut = events.SkipWhile(e => e.Percent is null or < 30).Skip(1).ToList();
        Assert.NotEmpty(afterCut);
        for (var i = 1; i < events.Count; i++)
            Assert.True(events[i].Sequence > events[i - 1].Sequence, $"event {i} has sequence {events[i].Sequence} after {events[i - 1].Sequence}");
        Assert.Equal(events.Count, events.Select(e => e.Sequence).Distinct().Count());
        Assert.True(events.Where(e => e.Percent is not null).Select(e => e.Percent!.Value).Order().SequenceEqual(events.Where(e => e.Percent is not null).Select(e => e.Percent!.Value)),
            "progress went backwards");
        // Whatever was missed while reconnecting, the watch ends on the job's final state: nothing after it is lost.
        var done = await client.GetAsync(job.Id, Token);
        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(done.Sequence, events[^1].Sequence);
        Assert.Equal(JobStatus.Succeeded, events[^1].Status);
        Assert.Equal(100, events[^1].Percent);
    }

    [Fact]
    public async Task Watch_of_an_unknown_job_throws_JobNotFoundException()
    {
        var client = NewClient();
        var id = "job_" + Guid.NewGuid().ToString("N");

        var e = await Assert.ThrowsAsync<JobNotFoundException>(async () => await client.WatchAsync(id, Token).ToListAsync(Token));

        Assert.Equal(id, e.JobId);
        Assert.Contains(id, e.Detail);
    }

    [Fact]
    public async Task Watch_of_a_finished_job_yields_its_final_state_and_ends()
    {
        var client = NewClient();
        var job = await client.SubmitAndWaitAsync("noop", TimeSpan.FromSeconds(20), cancellationToken: Token);

        var only = Assert.Single(await client.WatchAsync(job.Id, Token).ToListAsync(Token));

        Assert.Equal(JobStatus.Succeeded, only.Status);
        Assert.Equal(job.Sequence, only.Sequence);
    }

    [Fact]
    public async Task Concurrent_watches_of_one_job_each_see_the_whole_run_and_leave_no_subscription_behind()
    {
        var client = NewClient();
        var job = await SubmitDelayAsync(client);

        var watches = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => client.WatchAsync(job.Id, Token).ToListAsync(Token).AsTask()));

        Assert.All(watches, events => AssertWholeRun(events, steps: 10));
        var registry = host.Services.GetRequiredService<JobWatchRegistry>();
        await Eventually.Until(() => Task.FromResult(registry.WatchedJobs == 0), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50),
            "the silo still holds a job event subscription");
    }

    [Fact]
    public async Task Wait_for_completion_follows_the_events_and_reads_the_job_once()
    {
        var client = NewClient();
        var job = await SubmitDelayAsync(client, "00:00:01", 2);
        var before = _requests.Sent.Count;

        var done = await client.WaitForCompletionAsync(job.Id, TimeSpan.FromSeconds(30), Token);

        Assert.Equal(JobStatus.Succeeded, done.Status);
        Assert.Equal(2, done.GetResult<DelayResult>()!.Steps);
        var read = Assert.Single(_requests.Sent.Skip(before));
        Assert.Equal(HttpMethod.Get, read.Method);
    }

    [Fact]
    public async Task Watch_throws_JobEventsUnavailableException_when_the_hub_cannot_be_reached()
    {
        // WaitForCompletionAsync polls instead then: OrleansJobsClientTests.Wait_for_completion_polls_until_the_job_ends_when_the_hub_cannot_be_reached.
        var client = NewClient(options: new OrleansJobsClientOptions { HubPath = "hubs/nowhere" });
        var job = await client.SubmitAsync("noop", cancellationToken: Token);

        var e = await Assert.ThrowsAsync<JobEventsUnavailableException>(async () => await client.WatchAsync(job.Id, Token).ToListAsync(Token));

        Assert.Equal(new Uri(host.BaseAddress, "hubs/nowhere"), e.Hub);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task Wait_for_completion_on_the_push_path_times_out_with_the_unfinished_job()
    {
        var client = NewClient();
        var job = await client.SubmitAsync("delay", new DelayPayload("00:00:01", 1), new SubmitOptions { Delay = TimeSpan.FromHours(1) }, Token);

        var e = await Assert.ThrowsAsync<JobWaitTimeoutException>(() => client.WaitForCompletionAsync(job.Id, TimeSpan.FromSeconds(1), Token));

        Assert.Equal(JobStatus.Scheduled, e.Job.Status);
        await client.CancelAsync(job.Id, Token);
    }
}
