using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>Owners (the API key that submitted a job): an owner's listing, and idempotency keys that are each owner's own.</summary>
public abstract partial class JobStoreContract
{
    [Fact]
    public async Task Listing_by_owner_pages_through_that_owners_jobs_alone_newest_first()
    {
        var ct = TestContext.Current.CancellationToken;
        var owners = new[] { "alice", "bob", null };
        var jobs = Enumerable.Range(0, 30).Select(i => Jobs.New(i % 2 == 0 ? JobStatus.Queued : JobStatus.Failed,
            createdAt: Jobs.T0.AddSeconds(i), owner: owners[i % 3])).ToList();
        await Task.WhenAll(jobs.Select(job => Store.WriteAsync(job, Silo, 0, ct)));
        // A later write (another silo, another status) keeps the job's owner.
        jobs[0].Status = JobStatus.Running;
        await Store.WriteAsync(jobs[0], "S127.0.0.1:22222:2", 1, ct);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.ListAsync(new JobQuery(Limit: 4, Cursor: cursor, Owner: "alice"), ct);
            seen.AddRange(page.Items.Select(job => job.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(jobs.Where(job => job.Spec!.Owner == "alice").OrderByDescending(job => job.CreatedAt).Select(job => job.Id), seen);
        Assert.Equal(
            jobs.Where(job => job.Spec!.Owner == "bob" && job.Status == JobStatus.Failed).OrderByDescending(job => job.CreatedAt).Select(job => job.Id),
            (await Store.ListAsync(new JobQuery(Status: JobStatus.Failed, Owner: "bob"), ct)).Items.Select(job => job.Id));
        Assert.Empty((await Store.ListAsync(new JobQuery(Owner: "carol"), ct)).Items);
        Assert.Equal(30, (await Store.ListAsync(new JobQuery(Limit: 100), ct)).Items.Count);
        Assert.Equal("alice", Scalar($"SELECT submitted_by FROM jobs WHERE id = '{jobs[0].Id}'"));
        Assert.Equal(DBNull.Value, Scalar($"SELECT submitted_by FROM jobs WHERE id = '{jobs[2].Id}'"));
    }

    [Fact]
    public async Task Two_owners_idempotency_keys_name_two_jobs_and_one_owners_key_names_one()
    {
        var ct = TestContext.Current.CancellationToken;
        var alices = Jobs.New(id: JobIds.FromIdempotencyKey("invoice-1", "alice"), owner: "alice");
        var bobs = Jobs.New(id: JobIds.FromIdempotencyKey("invoice-1", "bob"), owner: "bob");
        await Store.WriteAsync(alices, Silo, 0, ct);
        await Store.WriteAsync(bobs, Silo, 0, ct);

        Assert.NotEqual(alices.Id, bobs.Id);
        Assert.NotEqual(JobIds.FromIdempotencyKey("invoice-1"), alices.Id);
        Assert.Equal("bob", (await Store.ReadAsync(bobs.Id, ct))!.State.Spec!.Owner);
        // The same owner's key again names the stored job: its insert is refused, and the API answers with that job.
        var again = Jobs.New(id: JobIds.FromIdempotencyKey("invoice-1", "alice"), owner: "alice");
        await Assert.ThrowsAsync<JobVersionConflictException>(() => Store.WriteAsync(again, Silo, 0, ct));
    }
}
