using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// Owners (the API key that submitted a job): idempotency keys that are each owner's own. An owner's listing, which also
/// reads the owner's column, is <see cref="DurableJobStoreContract"/>'s.
/// </summary>
public abstract partial class JobStoreContract
{
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
