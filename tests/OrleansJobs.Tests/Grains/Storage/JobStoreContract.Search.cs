using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>Search in the contract: one term finds jobs by id, correlation id, idempotency key or batch id, exactly.</summary>
public abstract partial class JobStoreContract
{
    [Fact]
    public async Task Search_finds_jobs_by_correlation_id_idempotency_key_or_batch_id_exactly_and_keeps_the_other_filters()
    {
        var ct = TestContext.Current.CancellationToken;
        static JobState With(JobState job, Func<JobSpec, JobSpec> change) { job.Spec = change(job.Spec!); return job; }
        var first = With(Jobs.New(createdAt: Jobs.T0), s => s with { CorrelationId = "order-7" });
        var second = With(Jobs.New(JobStatus.Failed, queue: "mail", createdAt: Jobs.T0.AddMinutes(1)), s => s with { CorrelationId = "order-7" });
        var keyed = With(Jobs.New(createdAt: Jobs.T0.AddMinutes(2)), s => s with { IdempotencyKey = "invoice-42" });
        var member = With(Jobs.New(createdAt: Jobs.T0.AddMinutes(3)), s => s with { BatchId = "batch_9" });
        // A job whose correlation id is another job's id is found by either term, once.
        var pointing = With(Jobs.New(createdAt: Jobs.T0.AddMinutes(4)), s => s with { CorrelationId = first.Id });
        var other = With(Jobs.New(createdAt: Jobs.T0.AddMinutes(5)), s => s with { CorrelationId = "order-70", IdempotencyKey = "invoice-4" });
        JobState[] all = [first, second, keyed, member, pointing, other];
        await Task.WhenAll(all.Select(job => Store.WriteAsync(job, Silo, 0, ct)));
        // An update leaves the keys written at insert where they were.
        second.UpdatedAt = Jobs.T0.AddMinutes(10);
        await Store.WriteAsync(second, Silo, 1, ct);

        async Task<string[]> Ids(JobQuery query) => [.. (await Store.ListAsync(query, ct)).Items.Select(job => job.Id)];

        Assert.Equal([second.Id, first.Id], await Ids(new JobQuery(Search: "order-7")));
        Assert.Equal([keyed.Id], await Ids(new JobQuery(Search: "invoice-42")));
        Assert.Equal([member.Id], await Ids(new JobQuery(Search: "batch_9")));
        Assert.Equal([pointing.Id, first.Id], await Ids(new JobQuery(Search: first.Id)));
        Assert.Empty(await Ids(new JobQuery(Search: "order")));
        Assert.Empty(await Ids(new JobQuery(Search: "ORDER-7")));

        // The other filters and the cursor still apply to what the search found.
        Assert.Equal([second.Id], await Ids(new JobQuery(Status: JobStatus.Failed, Search: "order-7")));
        Assert.Equal([first.Id], await Ids(new JobQuery(Queue: "default", Search: "order-7")));
        var page = await Store.ListAsync(new JobQuery(Search: "order-7", Limit: 1), ct);
        Assert.Equal([second.Id], page.Items.Select(job => job.Id));
        Assert.Equal([first.Id], await Ids(new JobQuery(Search: "order-7", Cursor: page.NextCursor)));
    }
}
