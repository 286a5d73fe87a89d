using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using Xunit;

namespace OrleansJobs.Tests.Grains.Handlers;

[Trait("Kind", "Unit")]
public sealed class DelayJobHandlerTests
{
    private readonly FakeTimeProvider time = new();

    /// <summary>The handler as the runner sees it: it binds the stored payload before each attempt.</summary>
    private IJobHandler Handler() => new DelayJobHandler(time);

    [Fact]
    public async Task Sleeps_in_steps_reporting_progress_after_each_and_returns_the_step_count()
    {
        var progress = new RecordingProgress();

        var result = await RunWithFakeTime(TestJobs.Context("delay", """{ "duration": "00:00:04", "steps": 4 }""", progress: progress));

        Assert.Equal("""{"steps":4}""", result?.ToJsonString());
        Assert.Equal([(25.0, "step 1/4"), (50.0, "step 2/4"), (75.0, "step 3/4"), (100.0, "step 4/4")], progress.Reports);
    }

    [Fact]
    public async Task Without_a_payload_it_sleeps_one_second_in_ten_steps()
    {
        var progress = new RecordingProgress();

        var result = await RunWithFakeTime(TestJobs.Context("delay", null, progress: progress));

        Assert.Equal("""{"steps":10}""", result?.ToJsonString());
        Assert.Equal(10, progress.Reports.Count);
        Assert.Equal((100.0, "step 10/10"), progress.Reports[^1]);
    }

    [Fact]
    public async Task Finishes_only_when_its_whole_duration_has_passed()
    {
        var run = Handler().ExecuteAsync(TestJobs.Context("delay", """{ "duration": "PT10S", "steps": 1 }"""));

        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(run.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal("""{"steps":1}""", (await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken))?.ToJsonString());
    }

    [Fact]
    public async Task Sleeps_on_the_time_provider_registered_in_the_container()
    {
        await using var services = new ServiceCollection().AddSingleton<TimeProvider>(time).AddBuiltInJobHandlers().BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var handler = services.GetRequiredService<JobHandlerRegistry>().Resolve(scope.ServiceProvider, DelayJobHandler.Type);

        var run = handler.ExecuteAsync(TestJobs.Context("delay", """{ "duration": "01:00:00", "steps": 1 }"""));
        time.Advance(TimeSpan.FromHours(1));

        Assert.NotNull(await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Fails_its_first_fail_attempts_at_once_then_succeeds()
    {
        const string payload = """{ "duration": "PT0S", "steps": 1, "failAttempts": 2 }""";
        var handler = Handler();

        foreach (var attempt in new[] { 1, 2 })
        {
            var error = await Assert.ThrowsAsync<JobFailedException>(() => handler.ExecuteAsync(TestJobs.Context("delay", payload, attempt)));
            Assert.True(error.Retryable);
            Assert.Contains("failAttempts", error.Message);
        }
        Assert.NotNull(await handler.ExecuteAsync(TestJobs.Context("delay", payload, attempt: 3)));
    }

    [Fact]
    public async Task Cancellation_stops_the_sleep()
    {
        using var cancellation = new CancellationTokenSource();
        var run = Handler().ExecuteAsync(TestJobs.Context("delay", """{ "duration": "01:00:00" }""", cancellationToken: cancellation.Token));

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Theory]
    [InlineData("""{ "duration": "soon" }""")]
    [InlineData("""{ "duration": "-00:00:01" }""")]
    [InlineData("""{ "duration": 5 }""")]
    [InlineData("""{ "steps": 0 }""")]
    [InlineData("""{ "steps": 10001 }""")]
    [InlineData("""{ "steps": "many" }""")]
    [InlineData("""{ "failAttempts": -1 }""")]
    [InlineData("[1, 2]")]
    public async Task An_invalid_stored_payload_fails_the_job(string payload)
    {
        var error = await Assert.ThrowsAsync<JobFailedException>(() => Handler().ExecuteAsync(TestJobs.Context("delay", payload)));

        Assert.False(error.Retryable);
        Assert.StartsWith("Invalid delay payload", error.Message);
    }

    // Each step's timer is created only after the previous one fired, on whichever thread continued the handler,
    // so time is nudged until the run completes rather than advanced by exact steps.
    private async Task<JsonNode?> RunWithFakeTime(JobContext context)
    {
        var run = Handler().ExecuteAsync(context);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        while (!run.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(1, deadline.Token);
        }
        return await run;
    }
}
