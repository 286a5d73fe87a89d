using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Callbacks;
using OrleansJobs.Jobs;
using static OrleansJobs.Tests.Infrastructure.JobApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Callbacks;

/// <summary>Completion callbacks end to end: the real silo host POSTs finished jobs to a loopback receiver on its allow-list.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class CompletionCallbackTests(SiloHostFixture host, HttpTarget receiver) : IClassFixture<HttpTarget>
{
    /// <summary>Longer than the first retry's backoff (1 s ± 20 %): a delivery that were retried would have been by then.</summary>
    private static readonly TimeSpan RetryWouldHaveHappened = TimeSpan.FromSeconds(2.5);

    private HttpClient Http => host.Http;

    private IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    private static string NoopJob(string callbackUrl) => JsonSerializer.Serialize(new { type = "noop", callbackUrl });

    [Fact]
    public async Task Finished_job_is_posted_once_to_its_callback_after_a_failed_delivery_is_retried()
    {
        var (url, name) = receiver.Answering(500, 200);

        var id = await Http.SubmitAsync(NoopJob(url));
        await WaitForPostsAsync(name, 2);

        var posts = receiver.Posts(name);
        Assert.Equal([500, 200], posts.Select(p => p.AnsweredWith));
        Assert.Equal(["1", "2"], posts.Select(p => p.Headers[JobCallbackGrain.AttemptHeader]));
        var delivered = posts[1];
        Assert.Equal(id, delivered.Headers[JobCallbackGrain.JobIdHeader]);
        Assert.StartsWith("application/json", delivered.Headers["Content-Type"]);
        // The body is the job exactly as the API shows it.
        Assert.Equal(await Http.GetStringAsync($"/api/jobs/{id}", TestContext.Current.CancellationToken), delivered.Body);
        using var job = JsonDocument.Parse(delivered.Body);
        Assert.Equal(id, job.RootElement.GetProperty("id").GetString());
        Assert.Equal("Succeeded", Status(job.RootElement));
        Assert.Equal(posts[0].Body, delivered.Body);

        await Task.Delay(RetryWouldHaveHappened, TestContext.Current.CancellationToken);
        Assert.Equal(2, receiver.Posts(name).Count);
    }

    [Fact]
    public async Task Callback_is_signed_with_the_configured_secret_over_its_time_and_body()
    {
        var (url, name) = receiver.Answering(200);

        await Http.SubmitAsync(NoopJob(url));
        await WaitForPostsAsync(name, 1);

        var post = receiver.Posts(name).Single();
        var signature = post.Headers[CallbackSignature.HeaderName];
        Assert.Matches("^t=[0-9]+,v1=[0-9a-f]{64}$", signature);
        var tolerance = TimeSpan.FromMinutes(5);
        Assert.True(CallbackSignature.Verify(SiloHostFixture.CallbackSecret, signature, post.Body, tolerance));
        Assert.False(CallbackSignature.Verify("another-secret", signature, post.Body, tolerance));
        Assert.False(CallbackSignature.Verify(SiloHostFixture.CallbackSecret, signature, post.Body.Replace("Succeeded", "Failed"), tolerance));
        Assert.False(CallbackSignature.Verify(SiloHostFixture.CallbackSecret, signature, post.Body, tolerance, DateTimeOffset.UtcNow.AddHours(1)));
    }

    [Fact]
    public async Task Callback_answered_with_a_client_error_is_not_retried()
    {
        var (url, name) = receiver.Answering(410, 200);

        await Http.SubmitAsync(NoopJob(url));
        await WaitForPostsAsync(name, 1);
        await Task.Delay(RetryWouldHaveHappened, TestContext.Current.CancellationToken);

        Assert.Equal(410, receiver.Posts(name).Single().AnsweredWith);
    }

    [Fact]
    public async Task The_same_ending_handed_over_again_is_not_posted_twice()
    {
        var (final, name) = await CalledBackJobAsync();

        await Grains.GetGrain<IJobCallbackGrain>(final.Id).Deliver(final);
        await Task.Delay(RetryWouldHaveHappened, TestContext.Current.CancellationToken);

        Assert.Single(receiver.Posts(name));
    }

    [Fact]
    public async Task Callback_to_a_host_off_the_allow_list_is_not_sent_even_when_it_gets_past_submit()
    {
        var (final, _) = await CalledBackJobAsync();
        // The same receiver, by a name the allow-list (127.0.0.1) does not have: handed over directly, as no submit allows it.
        var (offList, offListName) = receiver.Answering(200);
        final.Spec = final.Spec! with { CallbackUrl = offList.Replace("127.0.0.1", "localhost", StringComparison.Ordinal) };

        await Grains.GetGrain<IJobCallbackGrain>(JobIds.New()).Deliver(final);
        await Task.Delay(RetryWouldHaveHappened, TestContext.Current.CancellationToken);

        Assert.Empty(receiver.Posts(offListName));
    }

    [Fact]
    public async Task A_later_ending_of_a_retried_job_is_posted_too()
    {
        var (url, name) = receiver.Answering(200);
        var job = JsonSerializer.Serialize(new { type = "delay", payload = new { duration = "00:00:00.01", steps = 1, failAttempts = 1 }, maxAttempts = 1, callbackUrl = url });
        var id = await Http.SubmitAsync(job);
        await WaitForPostsAsync(name, 1);

        var (retried, _) = await Http.PostJsonAsync($"/api/jobs/{id}/retry", "");
        Assert.Equal(System.Net.HttpStatusCode.Accepted, retried.StatusCode);
        await WaitForPostsAsync(name, 2);

        var posts = receiver.Posts(name);
        Assert.Equal(["Failed", "Succeeded"], posts.Select(p => Status(JsonDocument.Parse(p.Body).RootElement)));
    }

    [Theory]
    [InlineData("https://hooks.example.com/jobs")]
    [InlineData("http://localhost/jobs")]
    public async Task Callback_to_a_host_off_the_allow_list_is_refused_at_submit(string callbackUrl)
    {
        var (response, problem) = await Http.PostJsonAsync("/api/jobs", NoopJob(callbackUrl));

        Assert.Contains("not allowed for callbacks", AssertFieldError(response, problem, "callbackUrl"));
    }

    [Fact]
    public async Task A_job_finished_but_not_handed_to_its_callback_before_its_silo_died_is_handed_over_by_the_sweeper()
    {
        // The row a silo leaves when it dies between finishing a job and handing over its callback: finished,
        // callback pending, written a while ago by a silo that no longer exists, no activation anywhere.
        var (url, name) = receiver.Answering(200);
        var finishedAt = DateTimeOffset.UtcNow.AddMinutes(-2);
        var job = new JobState
        {
            Id = JobIds.New(),
            Spec = new JobSpec { Type = "noop", CallbackUrl = url },
            Status = JobStatus.Succeeded,
            CreatedAt = finishedAt,
            CompletedAt = finishedAt,
            UpdatedAt = finishedAt,
            Sequence = 3,
            HandOverPending = true,
        };
        var store = host.Services.GetRequiredService<OrleansJobs.Storage.IJobStore>();
        await store.WriteAsync(job, "S127.0.0.1:1:1", 0, TestContext.Current.CancellationToken);

        await Grains.GetGrain<IJobSweeperGrain>(0).SweepNow();
        await WaitForPostsAsync(name, 1);

        Assert.Equal(job.Id, receiver.Posts(name).Single().Headers[JobCallbackGrain.JobIdHeader]);
        await Eventually.Until(async () => !(await store.ReadAsync(job.Id, TestContext.Current.CancellationToken))!.State.HandOverPending,
            TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50), "the hand-over was not recorded");
        Assert.DoesNotContain(job.Id, await store.FindQuietAsync(DateTimeOffset.UtcNow, 1000, TestContext.Current.CancellationToken));
    }

    /// <summary>A finished job whose callback has been delivered, as its grain holds it, and the receiver's name for it.</summary>
    private async Task<(JobState Final, string Name)> CalledBackJobAsync()
    {
        var (url, name) = receiver.Answering(200);
        var id = await Http.SubmitAsync(NoopJob(url));
        await WaitForPostsAsync(name, 1);
        return ((await Grains.GetGrain<IJobGrain>(id).Get())!, name);
    }

    private Task WaitForPostsAsync(string name, int count) =>
        Eventually.Until(() => Task.FromResult(receiver.Posts(name).Count >= count),
            TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(50), $"the receiver did not get {count} callback POSTs");
}
