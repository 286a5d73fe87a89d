using OrleansJobs.Batches;
using OrleansJobs.Jobs;

namespace OrleansJobs.Tests.Grains.Jobs;

[Trait("Kind", "Unit")]
public sealed class JobIdsTests
{
    [Fact]
    public void New_ids_strictly_increase_even_within_one_millisecond()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => JobIds.New()).ToList();

        Assert.All(ids, id => Assert.True(JobIds.IsValid(id), id));
        Assert.All(ids.Zip(ids.Skip(1)), pair => Assert.True(string.CompareOrdinal(pair.First, pair.Second) < 0, $"{pair.First} !< {pair.Second}"));
    }

    [Fact]
    public void New_ids_are_version_7_uuids_carrying_the_current_time()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var guid = Guid.ParseExact(JobIds.New()[JobIds.Prefix.Length..], "N");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.Equal(7, guid.Version);
        Assert.Equal(0b10, guid.Variant >> 2);
        var milliseconds = Convert.ToInt64(guid.ToString("N")[..12], 16);
        Assert.InRange(milliseconds, before, after + 5);
    }

    [Fact]
    public void An_idempotency_key_always_maps_to_the_same_valid_id()
    {
        Assert.Equal(JobIds.FromIdempotencyKey("order-1"), JobIds.FromIdempotencyKey("order-1"));
        Assert.NotEqual(JobIds.FromIdempotencyKey("order-1"), JobIds.FromIdempotencyKey("order-2"));
        Assert.True(JobIds.IsValid(JobIds.FromIdempotencyKey("order-1")));
    }

    [Fact]
    public void An_owners_idempotency_key_is_its_own_and_no_key_can_pass_for_another_owners()
    {
        Assert.Equal(JobIds.FromIdempotencyKey("order-1", "alice"), JobIds.FromIdempotencyKey("order-1", "alice"));
        Assert.NotEqual(JobIds.FromIdempotencyKey("order-1", "alice"), JobIds.FromIdempotencyKey("order-1", "bob"));
        Assert.NotEqual(JobIds.FromIdempotencyKey("order-1"), JobIds.FromIdempotencyKey("order-1", "alice"));
        // The owner's name is length-prefixed: moving text between owner and key gives another id.
        Assert.NotEqual(JobIds.FromIdempotencyKey("c:order", "ab"), JobIds.FromIdempotencyKey("order", "ab:c"));
        Assert.NotEqual(BatchIds.FromIdempotencyKey("order-1", "alice"), BatchIds.FromIdempotencyKey("order-1", "bob"));
        Assert.Equal(BatchIds.FromIdempotencyKey("order-1"), BatchIds.FromIdempotencyKey("order-1", owner: null));
    }
}
