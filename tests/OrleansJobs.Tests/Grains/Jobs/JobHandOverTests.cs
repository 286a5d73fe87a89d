using OrleansJobs.Batches;
using OrleansJobs.Jobs;
using OrleansJobs.Tests.Infrastructure;
using StoredJobs = OrleansJobs.Tests.Grains.Storage.Jobs;

namespace OrleansJobs.Tests.Grains.Jobs;

[Trait("Kind", "Unit")]
public sealed class JobHandOverTests
{
    private const string CallbackUrl = "https://receiver.example/done";
    private const string BatchId = "batch-1";

    private readonly FakeGrainFactory grains = new();

    private static JobState Finished(
        JobStatus status = JobStatus.Succeeded, string? callbackUrl = null, string? batchId = null, string[]? dependents = null)
    {
        var job = StoredJobs.New(status);
        job.Spec = job.Spec! with { CallbackUrl = callbackUrl, BatchId = batchId };
        job.Dependents = [.. dependents ?? []];
        job.Result = """{"sent":3}""";
        job.Sequence = 4;
        return job;
    }

    [Fact]
    public void A_job_without_callback_batch_or_dependents_owes_nothing()
    {
        Assert.False(JobHandOver.IsOwed(Finished()));
    }

    [Fact]
    public void A_job_that_does_not_exist_owes_nothing()
    {
        Assert.False(JobHandOver.IsOwed(new JobState { Id = "missing", Dependents = ["job-2"] }));
    }

    [Theory]
    [InlineData(CallbackUrl, null, new string[0])]
    [InlineData(null, BatchId, new string[0])]
    [InlineData(null, null, new[] { "job-2" })]
    public void A_callback_a_batch_or_a_waiting_job_is_each_enough_to_owe_a_hand_over(string? callbackUrl, string? batchId, string[] dependents)
    {
        Assert.True(JobHandOver.IsOwed(Finished(callbackUrl: callbackUrl, batchId: batchId, dependents: dependents)));
    }

    [Theory]
    [InlineData(JobStatus.Succeeded)]
    [InlineData(JobStatus.Failed)]
    [InlineData(JobStatus.Cancelled)]
    public void Every_final_status_owes_its_hand_over(JobStatus status)
    {
        Assert.True(JobHandOver.IsOwed(Finished(status, callbackUrl: CallbackUrl)));
    }

    [Fact]
    public async Task The_callback_grain_of_the_job_gets_its_final_state()
    {
        var callback = new FakeCallback();
        var finished = Finished(callbackUrl: CallbackUrl);
        grains.Add<IJobCallbackGrain>(finished.Id, callback);

        await JobHandOver.DeliverAsync(grains, finished);

        Assert.Same(finished, Assert.Single(callback.Delivered));
    }

    [Fact]
    public async Task The_batch_is_told_how_its_member_ended()
    {
        var batch = new FakeBatch();
        var finished = Finished(JobStatus.Failed, batchId: BatchId);
        finished.Error = new JobError("boom", "InvalidOperationException");
        grains.Add<IBatchGrain>(BatchId, batch);

        await JobHandOver.DeliverAsync(grains, finished);

        Assert.Equal(
            new BatchMemberOutcome(finished.Id, JobStatus.Failed, """{"sent":3}""", finished.Error, 4),
            Assert.Single(batch.Outcomes));
    }

    [Fact]
    public async Task Every_waiting_job_is_told_which_dependency_ended_and_how()
    {
        var first = new FakeDependent();
        var second = new FakeDependent();
        var finished = Finished(JobStatus.Cancelled, dependents: ["job-2", "job-3"]);
        grains.Add<IJobGrain>("job-2", first).Add<IJobGrain>("job-3", second);

        await JobHandOver.DeliverAsync(grains, finished);

        Assert.Equal((finished.Id, JobStatus.Cancelled), Assert.Single(first.Told));
        Assert.Equal((finished.Id, JobStatus.Cancelled), Assert.Single(second.Told));
    }

    [Fact]
    public async Task A_job_owing_everything_hands_over_to_its_callback_its_batch_and_its_dependents()
    {
        var callback = new FakeCallback();
        var batch = new FakeBatch();
        var dependent = new FakeDependent();
        var finished = Finished(callbackUrl: CallbackUrl, batchId: BatchId, dependents: ["job-2"]);
        grains.Add<IJobCallbackGrain>(finished.Id, callback).Add<IBatchGrain>(BatchId, batch).Add<IJobGrain>("job-2", dependent);

        await JobHandOver.DeliverAsync(grains, finished);

        Assert.Single(callback.Delivered);
        Assert.Single(batch.Outcomes);
        Assert.Single(dependent.Told);
    }

    [Fact]
    public async Task A_job_that_owes_nothing_contacts_no_grain()
    {
        // The fake factory knows no grain at all: any call would throw.
        await JobHandOver.DeliverAsync(grains, Finished());
    }

    [Fact]
    public async Task A_receiver_that_cannot_take_the_hand_over_fails_the_delivery_so_it_is_tried_again()
    {
        var finished = Finished(callbackUrl: CallbackUrl);
        grains.Add<IJobCallbackGrain>(finished.Id, new FakeCallback { Failure = new TimeoutException("callback grain unreachable") });

        await Assert.ThrowsAsync<TimeoutException>(() => JobHandOver.DeliverAsync(grains, finished));
    }

    [Fact]
    public async Task One_dependent_that_cannot_be_told_does_not_keep_the_others_from_being_told()
    {
        var unreachable = new FakeDependent { Failure = new TimeoutException("silo gone") };
        var reachable = new FakeDependent();
        var finished = Finished(dependents: ["job-2", "job-3"]);
        grains.Add<IJobGrain>("job-2", unreachable).Add<IJobGrain>("job-3", reachable);

        await Assert.ThrowsAsync<TimeoutException>(() => JobHandOver.DeliverAsync(grains, finished));

        Assert.Single(reachable.Told);
    }

    private sealed class FakeCallback : IJobCallbackGrain
    {
        public Exception? Failure { get; init; }
        public List<JobState> Delivered { get; } = [];

        public Task Deliver(JobState finalState)
        {
            if (Failure is { } failure) return Task.FromException(failure);
            Delivered.Add(finalState);
            return Task.CompletedTask;
        }

        public Task Forget() => throw new NotSupportedException();
    }

    private sealed class FakeBatch : IBatchGrain
    {
        public List<BatchMemberOutcome> Outcomes { get; } = [];

        public Task MemberFinished(BatchMemberOutcome outcome)
        {
            Outcomes.Add(outcome);
            return Task.CompletedTask;
        }

        public Task<BatchView> Create(int total, JobSpec? continuation, DateTimeOffset createdAt) => throw new NotSupportedException();
        public Task<BatchView?> Get() => throw new NotSupportedException();
        public Task<BatchView?> Cancel() => throw new NotSupportedException();
        public Task MembersDeleted() => throw new NotSupportedException();
    }

    private sealed class FakeDependent : IJobGrain
    {
        public Exception? Failure { get; init; }
        public List<(string DependencyId, JobStatus Status)> Told { get; } = [];

        public Task DependencyFinished(string dependencyId, JobStatus status)
        {
            if (Failure is { } failure) return Task.FromException(failure);
            Told.Add((dependencyId, status));
            return Task.CompletedTask;
        }

        public Task<SubmitResult> Submit(JobSpec spec) => throw new NotSupportedException();
        public Task<JobState?> Get() => throw new NotSupportedException();
        public Task<JobState> Cancel() => throw new NotSupportedException();
        public Task<JobState> Retry() => throw new NotSupportedException();
        public Task<JobState?> WaitForCompletion(TimeSpan timeout) => throw new NotSupportedException();
        public Task<JobState?> Watch() => throw new NotSupportedException();
        public Task Forget() => throw new NotSupportedException();
        public Task<JobStatus?> AddDependent(string dependentId) => throw new NotSupportedException();
        public Task Wake() => throw new NotSupportedException();
    }
}
