using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>
/// Labels in the contract: a listing by one of them. The tests that count their rows (kept with the job, gone with it)
/// are <see cref="DurableJobStoreContract"/>'s.
/// </summary>
public abstract partial class JobStoreContract
{
    [Fact]
    public async Task Listing_by_label_pages_newest_first_through_those_jobs_and_keeps_the_other_filters()
    {
        var ct = TestContext.Current.CancellationToken;
        // 30 jobs a second apart: every other one nightly, every third one alice's, every fifth one Failed in "mail".
        var jobs = Enumerable.Range(0, 30).Select(i => Jobs.New(
            i % 5 == 0 ? JobStatus.Failed : JobStatus.Queued, queue: i % 5 == 0 ? "mail" : "default", createdAt: Jobs.T0.AddSeconds(i),
            owner: i % 3 == 0 ? "alice" : "bob", labels: i % 2 == 0 ? ["nightly", $"customer-{i % 4}"] : [$"customer-{i % 4}"])).ToList();
        await Task.WhenAll(jobs.Select(job => Store.WriteAsync(job, Silo, 0, ct)));
        string[] Expected(Func<JobState, bool> keep) =>
            [.. jobs.Where(keep).OrderByDescending(job => job.CreatedAt).Select(job => job.Id)];
        bool Nightly(JobState job) => job.Spec!.Labels!.Contains("nightly");

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Store.ListAsync(new JobQuery(Label: "nightly", Limit: 4, Cursor: cursor), ct);
            seen.AddRange(page.Items.Select(job => job.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Expected(Nightly), seen);
        Assert.Equal(Expected(job => job.Spec!.Labels!.Contains("customer-2")), await LabelledIds(new JobQuery(Label: "customer-2")));
        Assert.Equal(Expected(job => Nightly(job) && job.Status == JobStatus.Failed), await LabelledIds(new JobQuery(Status: JobStatus.Failed, Label: "nightly")));
        Assert.Equal(Expected(job => Nightly(job) && job.Spec!.Queue == "mail"), await LabelledIds(new JobQuery(Queue: "mail", Label: "nightly")));
        Assert.Equal(Expected(job => Nightly(job) && job.Spec!.Owner == "alice"), await LabelledIds(new JobQuery(Label: "nightly", Owner: "alice")));
        Assert.Equal(Expected(job => Nightly(job) && job.CreatedAt >= Jobs.T0.AddSeconds(10) && job.CreatedAt < Jobs.T0.AddSeconds(20)),
            await LabelledIds(new JobQuery(CreatedFrom: Jobs.T0.AddSeconds(10), CreatedTo: Jobs.T0.AddSeconds(20), Label: "nightly")));
        // With a search, the label still has to match.
        Assert.Equal([jobs[4].Id], await LabelledIds(new JobQuery(Search: jobs[4].Id, Label: "nightly")));
        Assert.Empty(await LabelledIds(new JobQuery(Search: jobs[5].Id, Label: "nightly")));
        // Exact, case included: no prefix, no other case.
        Assert.Empty(await LabelledIds(new JobQuery(Label: "Nightly")));
        Assert.Empty(await LabelledIds(new JobQuery(Label: "night")));
        Assert.Empty(await LabelledIds(new JobQuery(Label: "customer-9")));
    }

    protected async Task<string[]> LabelledIds(JobQuery query) =>
        [.. (await Store.ListAsync(query with { Limit = 100 }, TestContext.Current.CancellationToken)).Items.Select(job => job.Id)];
}
