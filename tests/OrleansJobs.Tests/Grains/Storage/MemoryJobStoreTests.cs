using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using OrleansJobs.Bench.MemorySilo;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// The store contract against the benchmark's in-memory store (bench/MemorySilo), so that its figures come from a store
/// that does what the durable ones do. It has no tables to query and no commits to count: the tests that read tables or
/// count commits belong to the durable stores' contract (<see cref="DurableJobStoreContract"/>).
/// </summary>
[Trait("Kind", "Store")]
public sealed class MemoryJobStoreTests(ITestOutputHelper output) : JobStoreContract(output), IDisposable
{
    private readonly ServiceProvider _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private MemoryJobStore? _store;

    protected override IJobStore Store => _store ??= new MemoryJobStore(_serializer.GetRequiredService<DeepCopier<JobState>>());

    protected override ValueTask DisposeStoreAsync()
    {
        _store?.Dispose();
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _serializer.Dispose();

    [Fact]
    public async Task A_stored_state_is_a_copy_that_neither_the_writer_nor_a_reader_can_change()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = Jobs.New();
        await Store.WriteAsync(job, Silo, 0, ct);
        job.Status = JobStatus.Running;
        job.Attempts.Add(new JobAttempt { Number = 1, StartedAt = Jobs.T0 });

        var read = (await Store.ReadAsync(job.Id, ct))!.State;
        read.Status = JobStatus.Failed;

        var again = (await Store.ReadAsync(job.Id, ct))!.State;
        Assert.Equal(JobStatus.Queued, again.Status);
        Assert.Empty(again.Attempts);
        Assert.Equal([job.Id], (await Store.ListAsync(new JobQuery(Status: JobStatus.Queued), ct)).Items.Select(j => j.Id));
    }
}
