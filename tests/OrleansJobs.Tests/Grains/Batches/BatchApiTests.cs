using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Batches;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using static OrleansJobs.Tests.Infrastructure.JobApi;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Batches;

/// <summary>Batches and their continuations through the HTTP API of the real silo host.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class BatchApiTests(SiloHostFixture host)
{
    private HttpClient Http => host.Http;
    private IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<JsonElement> GetBatchAsync(string id)
    {
        var (response, batch) = await Http.GetJsonAsync($"/api/batches/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return batch;
    }

    private async Task<JsonElement> WaitForBatchAsync(string id, Func<JsonElement, bool> condition, string what, int seconds = 60)
    {
        JsonElement batch = default;
        await Eventually.Until(async () => condition(batch = await GetBatchAsync(id)), TimeSpan.FromSeconds(seconds), TimeSpan.FromMilliseconds(100), $"batch {id} {what}");
        return batch;
    }

    private static string? ContinuationStatus(JsonElement batch) =>
        batch.GetProperty("continuation").GetProperty("status") is { ValueKind: JsonValueKind.String } status ? status.GetString() : null;

    private static int Count(JsonElement batch, string status) => batch.GetProperty("counts").GetProperty(status).GetInt32();

    [Fact]
    public async Task Batch_of_100_runs_its_continuation_once_after_every_member_has_ended_with_all_their_outcomes()
    {
        // Every tenth member fails (its one attempt fails on purpose), every tenth plus one takes half a second, the rest are noops.
        var members = Enumerable.Range(0, 100).Select(i => (i % 10) switch
        {
            0 => """{"type":"delay","payload":{"failAttempts":1},"maxAttempts":1}""",
            1 => """{"type":"delay","payload":{"duration":"00:00:00.5","steps":1}}""",
            _ => """{"type":"noop"}""",
        });
        var body = "{\"jobs\":[" + string.Join(",", members) + """],"continuation":{"type":"noop","payload":{"report":"weekly"}}}""";
        var key = "batch-" + Guid.NewGuid();

        var (response, accepted) = await Http.PostJsonAsync("/api/batches", body, r => r.Headers.Add("Idempotency-Key", key));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = accepted.GetProperty("id").GetString()!;
        Assert.StartsWith(BatchIds.Prefix, id);
        Assert.Equal($"/api/batches/{id}", response.Headers.Location?.OriginalString);
        var jobs = accepted.GetProperty("jobs").EnumerateArray().Select(j => j.GetString()!).ToList();
        Assert.Equal(100, jobs.Count);
        Assert.Equal(100, jobs.Distinct().Count());
        var continuationId = accepted.GetProperty("continuation").GetProperty("id").GetString()!;

        var done = await WaitForBatchAsync(id, b => ContinuationStatus(b) == "Succeeded", "did not run its continuation to the end");
        Assert.Equal(100, done.GetProperty("finished").GetInt32());
        Assert.Equal(1.0, done.GetProperty("progress").GetDouble());
        Assert.Equal(90, Count(done, "Succeeded"));
        Assert.Equal(10, Count(done, "Failed"));

        // Once: one attempt, started after the last member ended.
        var continuation = await Http.GetJobAsync(continuationId);
        Assert.Equal(id, continuation.GetProperty("batchId").GetString());
        Assert.Single(continuation.GetProperty("attempts").EnumerateArray());
        var memberJobs = await Task.WhenAll(jobs.Select(Http.GetJobAsync));
        var lastEnded = memberJobs.Max(j => j.GetProperty("completedAt").GetDateTimeOffset());
        Assert.True(continuation.GetProperty("startedAt").GetDateTimeOffset() >= lastEnded, "the continuation started before the last member ended");

        // Its payload: the batch id, its own payload, and every member's outcome in batch order.
        var payload = continuation.GetProperty("payload");
        Assert.Equal(id, payload.GetProperty("batchId").GetString());
        Assert.Equal("weekly", payload.GetProperty("payload").GetProperty("report").GetString());
        var outcomes = payload.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(jobs, outcomes.Select(o => o.GetProperty("id").GetString()));
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(Status(memberJobs[i]), outcomes[i].GetProperty("status").GetString());
            Assert.Equal(id, memberJobs[i].GetProperty("batchId").GetString());
            if (i % 10 == 0) Assert.Contains("fails on purpose", outcomes[i].GetProperty("error").GetProperty("message").GetString());
            if (i % 10 == 1) Assert.Equal(1, outcomes[i].GetProperty("result").GetProperty("steps").GetInt32());
        }

        // The same request again creates nothing: same batch, same jobs, and still one continuation attempt.
        var (replay, replayed) = await Http.PostJsonAsync("/api/batches", body, r => r.Headers.Add("Idempotency-Key", key));
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(id, replayed.GetProperty("id").GetString());
        Assert.Equal(jobs, replayed.GetProperty("jobs").EnumerateArray().Select(j => j.GetString()));
        Assert.Single((await Http.GetJobAsync(continuationId)).GetProperty("attempts").EnumerateArray());
    }

    [Fact]
    public async Task Cancelling_a_batch_cancels_its_unfinished_members_and_its_continuation()
    {
        var (response, accepted) = await Http.PostJsonAsync("/api/batches", """
            {"jobs":[{"type":"noop"},{"type":"delay","payload":{"duration":"00:01:00","steps":60}},{"type":"delay","payload":{"duration":"00:01:00","steps":60}},
                     {"type":"noop","runAt":"2099-01-01T00:00:00Z"}],
             "continuation":{"type":"noop"}}
            """);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = accepted.GetProperty("id").GetString()!;
        var jobs = accepted.GetProperty("jobs").EnumerateArray().Select(j => j.GetString()!).ToList();
        await Http.WaitForStatusAsync(jobs[0], "Succeeded");
        await Http.WaitForStatusAsync(jobs[1], "Running");

        var (cancel, cancelled) = await Http.PostJsonAsync($"/api/batches/{id}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.True(cancelled.GetProperty("cancelled").GetBoolean());
        Assert.Equal("Cancelled", ContinuationStatus(cancelled));
        foreach (var member in jobs.Skip(1)) await Http.WaitForStatusAsync(member, "Cancelled");
        Assert.Equal("Succeeded", Status(await Http.GetJobAsync(jobs[0])));
        var batch = await WaitForBatchAsync(id, b => b.GetProperty("finished").GetInt32() == 4, "did not count every member as ended");
        Assert.Equal(1, Count(batch, "Succeeded"));
        Assert.Equal(3, Count(batch, "Cancelled"));
        Assert.Equal("Cancelled", ContinuationStatus(batch));
        // The continuation was never submitted.
        var (missing, _) = await Http.GetJsonAsync($"/api/jobs/{batch.GetProperty("continuation").GetProperty("id").GetString()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_member_that_ended_on_a_silo_that_died_before_telling_its_batch_is_counted_once_the_sweeper_wakes_it()
    {
        // The batch id follows from its Idempotency-Key, and its members' ids from the batch id: the first member's row
        // is written as a silo leaves it when it dies between finishing the job and handing it over.
        var key = "batch-" + Guid.NewGuid();
        var batchId = BatchIds.FromIdempotencyKey(key);
        var endedAt = DateTimeOffset.UtcNow.AddMinutes(-2);
        var orphan = new JobState
        {
            Id = BatchIds.Member(batchId, 0),
            Spec = new JobSpec { Type = "noop", BatchId = batchId },
            Status = JobStatus.Succeeded,
            Result = """{"kept":true}""",
            CreatedAt = endedAt,
            CompletedAt = endedAt,
            UpdatedAt = endedAt,
            Sequence = 3,
            HandOverPending = true,
        };
        // The fixture's sweeper also looks for quiet rows on its own, once every 30 s; a sweep on demand starts that
        // period afresh, so nothing but this test's own sweep below wakes the orphan before the batch is seen waiting.
        var sweeper = Grains.GetGrain<IJobSweeperGrain>(0);
        await sweeper.SweepNow();
        var store = host.Services.GetRequiredService<IJobStore>();
        await store.WriteAsync(orphan, "S127.0.0.1:1:1", 0, Token);

        var (response, accepted) = await Http.PostJsonAsync("/api/batches", """{"jobs":[{"type":"noop"},{"type":"noop"}],"continuation":{"type":"noop"}}""",
            r => r.Headers.Add("Idempotency-Key", key));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(batchId, accepted.GetProperty("id").GetString());
        await Http.WaitForStatusAsync(BatchIds.Member(batchId, 1), "Succeeded");
        // Both members have ended, but the batch has heard only from the second: no continuation yet.
        await Task.Delay(TimeSpan.FromSeconds(1), Token);
        Assert.Null(ContinuationStatus(await GetBatchAsync(batchId)));

        await sweeper.SweepNow();

        var done = await WaitForBatchAsync(batchId, b => ContinuationStatus(b) == "Succeeded", "did not hear from the first member");
        Assert.Equal(2, Count(done, "Succeeded"));
        var continuation = await Http.GetJobAsync(done.GetProperty("continuation").GetProperty("id").GetString()!);
        Assert.True(continuation.GetProperty("payload").GetProperty("members")[0].GetProperty("result").GetProperty("kept").GetBoolean());
        Assert.False((await store.ReadAsync(orphan.Id, Token))!.State.HandOverPending);
    }

    [Fact]
    public async Task A_bad_member_is_refused_with_its_place_in_the_batch()
    {
        var (response, problem) = await Http.PostJsonAsync("/api/batches", """
            {"jobs":[{"type":"noop"},{"type":"noop"},{"type":"noop"},{"type":"no-such-type"},{"type":"noop","idempotencyKey":"k"}],"continuation":{"type":"noop","maxAttempts":0}}
            """);

        Assert.Contains("no-such-type", AssertFieldError(response, problem, "jobs[3].type"));
        AssertFieldError(response, problem, "jobs[4].idempotencyKey");
        AssertFieldError(response, problem, "continuation.maxAttempts");

        var (empty, emptyProblem) = await Http.PostJsonAsync("/api/batches", """{"jobs":[]}""");
        Assert.Contains("10000", AssertFieldError(empty, emptyProblem, "jobs"));
        var (unknown, unknownProblem) = await Http.PostJsonAsync("/api/batches", $$"""{"jobs":[{"type":"noop"},{"type":"noop","dependsOn":["{{JobIds.New()}}"]}]}""");
        AssertFieldError(unknown, unknownProblem, "jobs[1].dependsOn[0]");
        var (missing, missingProblem) = await Http.GetJsonAsync($"/api/batches/{BatchIds.New()}");
        AssertProblem(missing, HttpStatusCode.NotFound, missingProblem);
    }
}
