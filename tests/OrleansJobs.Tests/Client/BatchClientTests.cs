using System.Text.Json;
using OrleansJobs.Client;
using JobStatus = OrleansJobs.Client.JobStatus;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Client;

/// <summary>The client's batch and dependency methods against the real silo host on loopback.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class BatchClientTests(SiloHostFixture host) : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Token => TestContext.Current.CancellationToken;
    private readonly OrleansJobsClient _client = new(host.Http);

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private async Task<BatchInfo> WaitForBatchAsync(string id, Func<BatchInfo, bool> condition, string what)
    {
        BatchInfo batch = null!;
        await Eventually.Until(async () => condition(batch = await _client.GetBatchAsync(id, Token)), Timeout, TimeSpan.FromMilliseconds(100), $"batch {id} {what}");
        return batch;
    }

    [Fact]
    public async Task SubmitBatchAsync_runs_the_members_and_then_the_continuation_with_their_outcomes()
    {
        var batch = await _client.SubmitBatchAsync(
            [new BatchJob("noop"), new BatchJob("delay", new { duration = "00:00:00.2", steps = 1 }), new BatchJob("delay", new { failAttempts = 1 }, new SubmitOptions { MaxAttempts = 1 })],
            new BatchJob("noop", new { report = "nightly" }), cancellationToken: Token);

        Assert.StartsWith("batch_", batch.Id);
        Assert.Equal(3, batch.Jobs.Count);
        Assert.NotNull(batch.Continuation);

        var done = await WaitForBatchAsync(batch.Id, b => b.Continuation?.Status == JobStatus.Succeeded, "did not run its continuation");
        Assert.Equal(3, done.Finished);
        Assert.Equal(1.0, done.Progress);
        Assert.Equal(2, done.Counts[JobStatus.Succeeded]);
        Assert.Equal(1, done.Counts[JobStatus.Failed]);
        Assert.Equal(0, done.Counts[JobStatus.Running]);

        var continuation = await _client.GetAsync(done.Continuation!.Id, Token);
        Assert.Equal(batch.Id, continuation.BatchId);
        var payload = continuation.GetPayload<JsonElement>();
        Assert.Equal("nightly", payload.GetProperty("payload").GetProperty("report").GetString());
        Assert.Equal(batch.Jobs, payload.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(batch.Id, (await _client.GetAsync(batch.Jobs[0], Token)).BatchId);
    }

    [Fact]
    public async Task CancelBatchAsync_cancels_the_unfinished_members()
    {
        var batch = await _client.SubmitBatchAsync([new BatchJob("delay", new { duration = "00:01:00", steps = 60 })], new BatchJob("noop"), cancellationToken: Token);

        var cancelled = await _client.CancelBatchAsync(batch.Id, Token);

        Assert.True(cancelled.Cancelled);
        Assert.Equal(JobStatus.Cancelled, cancelled.Continuation!.Status);
        Assert.Equal(JobStatus.Cancelled, (await _client.WaitForCompletionAsync(batch.Jobs[0], Timeout, Token)).Status);
    }

    [Fact]
    public async Task Batch_errors_come_as_typed_exceptions()
    {
        var invalid = await Assert.ThrowsAsync<JobValidationException>(() => _client.SubmitBatchAsync([new BatchJob("noop"), new BatchJob("no-such-type")], cancellationToken: Token));
        Assert.Contains("jobs[1].type", invalid.Errors.Keys);

        var missing = await Assert.ThrowsAsync<BatchNotFoundException>(() => _client.GetBatchAsync("batch_00000000000000000000000000000000", Token));
        Assert.Equal("batch_00000000000000000000000000000000", missing.BatchId);
        await Assert.ThrowsAsync<BatchNotFoundException>(() => _client.CancelBatchAsync("batch_00000000000000000000000000000000", Token));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.SubmitBatchAsync([new BatchJob("noop", Options: new SubmitOptions { IdempotencyKey = "k" })], cancellationToken: Token));
    }

    [Fact]
    public async Task DependsOn_makes_a_job_wait_for_another_and_OnDependencyFailure_decides_what_a_failure_does()
    {
        var first = await _client.SubmitAsync("delay", new { duration = "00:00:00.5", steps = 1 }, cancellationToken: Token);
        var second = await _client.SubmitAsync("noop", new SubmitOptions { DependsOn = [first.Id] }, Token);
        Assert.Equal(JobStatus.Scheduled, second.Status);
        Assert.Equal([first.Id], second.DependsOn);
        Assert.Equal(DependencyFailure.Fail, second.OnDependencyFailure);
        Assert.Equal(JobStatus.Succeeded, (await _client.WaitForCompletionAsync(second.Id, Timeout, Token)).Status);

        var failing = await _client.SubmitAsync("delay", new { failAttempts = 1 }, new SubmitOptions { MaxAttempts = 1 }, Token);
        var cancelledInstead = await _client.SubmitAsync("noop", new SubmitOptions { DependsOn = [failing.Id], OnDependencyFailure = DependencyFailure.Cancel }, Token);
        Assert.Equal(JobStatus.Cancelled, (await _client.WaitForCompletionAsync(cancelledInstead.Id, Timeout, Token)).Status);

        var unknown = await Assert.ThrowsAsync<JobValidationException>(() => _client.SubmitAsync("noop", new SubmitOptions { DependsOn = ["job_00000000000000000000000000000000"] }, Token));
        Assert.Contains("dependsOn[0]", unknown.Errors.Keys);
    }
}
