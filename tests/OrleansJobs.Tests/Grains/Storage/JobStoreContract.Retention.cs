using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>The retention query of the contract: which finished jobs go, in what order, and what goes with them.</summary>
public abstract partial class JobStoreContract
{
    [Fact]
    public async Task Only_finished_statuses_can_be_deleted()
    {
        foreach (var status in new[] { JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running })
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.DeleteFinishedAsync(status, Jobs.T0, 10, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_deleted_job_is_never_written_back_and_its_id_can_be_used_again()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = Jobs.New(JobStatus.Succeeded, id: JobIds.FromIdempotencyKey("order-77"));
        job.UpdatedAt = Jobs.T0.AddDays(-8);
        var version = await Store.WriteAsync(job, Silo, 0, ct);

        Assert.Equal([job.Id], Ids(await Store.DeleteFinishedAsync(JobStatus.Succeeded, Jobs.T0, 10, ct)));

        // A stale activation still holding the job cannot bring it back: its update expects a row that is gone.
        await Assert.ThrowsAsync<JobVersionConflictException>(() => Store.WriteAsync(job, Silo, version, ct));
        Assert.Null(await Store.ReadAsync(job.Id, ct));

        var again = Jobs.New(JobStatus.Queued, id: job.Id);
        Assert.Equal(1, await Store.WriteAsync(again, Silo, 0, ct));
        Assert.Equal(JobStatus.Queued, (await Store.ReadAsync(job.Id, ct))!.State.Status);
    }

    [Fact]
    public async Task Deleting_listed_failed_jobs_takes_only_those_that_are_failed_with_their_hand_over_done()
    {
        var ct = TestContext.Current.CancellationToken;
        var failed = Jobs.WrittenAt(JobStatus.Failed, 0);
        var otherFailed = Jobs.WrittenAt(JobStatus.Failed, 0);
        var unlisted = Jobs.WrittenAt(JobStatus.Failed, 0);
        var handingOver = Jobs.WrittenAt(JobStatus.Failed, 0);
        handingOver.HandOverPending = true;
        var succeeded = Jobs.WrittenAt(JobStatus.Succeeded, 0);
        var queued = Jobs.WrittenAt(JobStatus.Queued, 0);
        await Task.WhenAll(new[] { failed, otherFailed, unlisted, handingOver, succeeded, queued }.Select(job => Store.WriteAsync(job, Silo, 0, ct)));

        var deleted = await Store.DeleteFailedAsync([failed.Id, otherFailed.Id, handingOver.Id, succeeded.Id, queued.Id, "job_missing"], ct);

        Assert.Equal(new[] { failed.Id, otherFailed.Id }.Order(), Ids(deleted).Order());
        Assert.Null(await Store.ReadAsync(failed.Id, ct));
        Assert.Null(await Store.ReadAsync(otherFailed.Id, ct));
        foreach (var kept in new[] { unlisted, handingOver, succeeded, queued })
            Assert.NotNull(await Store.ReadAsync(kept.Id, ct));
        Assert.Empty(await Store.DeleteFailedAsync([], ct));
    }

    [Fact]
    public async Task A_deleted_job_reports_its_batch_and_whether_it_had_a_callback()
    {
        var ct = TestContext.Current.CancellationToken;
        var member = Jobs.WrittenAt(JobStatus.Succeeded, -60);
        member.Spec = member.Spec! with { BatchId = "batch_0123456789abcdef0123456789abcdef", CallbackUrl = "https://hooks.example/done" };
        var plain = Jobs.WrittenAt(JobStatus.Succeeded, -30);
        var failed = Jobs.WrittenAt(JobStatus.Failed, -30);
        failed.Spec = failed.Spec! with { CallbackUrl = "https://hooks.example/failed" };
        await Task.WhenAll(new[] { member, plain, failed }.Select(job => Store.WriteAsync(job, Silo, 0, ct)));

        Assert.Equal(
            [new DeletedJob(member.Id, "batch_0123456789abcdef0123456789abcdef", HadCallback: true), new DeletedJob(plain.Id, null, HadCallback: false)],
            await Store.DeleteFinishedAsync(JobStatus.Succeeded, Jobs.T0, 10, ct));
        Assert.Equal([new DeletedJob(failed.Id, null, HadCallback: true)], await Store.DeleteFailedAsync([failed.Id], ct));
    }

    protected static IEnumerable<string> Ids(IEnumerable<DeletedJob> deleted) => deleted.Select(job => job.Id);
}
