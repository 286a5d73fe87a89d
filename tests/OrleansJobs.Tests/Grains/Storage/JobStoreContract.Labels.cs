using OrleansJobs.Jobs;
using OrleansJobs.Storage;
using Xunit;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>Labels in the contract: kept with the job, a listing by one of them, and gone with the job.</summary>
public abstract partial class JobStoreContract
{
    [Fact]
    public async Task Labels_round_trip_and_are_indexed_once_each_at_insert()
    {
        var ct = TestContext.Current.CancellationToken;
        var job = Jobs.New(labels: ["customer-42", "nightly", "Region:eu/west_1.b"]);
        await Store.WriteAsync(job, Silo, 0, ct);
        job.Status = JobStatus.Running;
        await Store.WriteAsync(job, Silo, 1, ct);

        var stored = (await Store.ReadAsync(job.Id, ct))!.State;
        Assert.Equal(["customer-42", "nightly", "Region:eu/west_1.b"], stored.Spec!.Labels);
        Assert.Equal(["customer-42", "nightly", "Region:eu/west_1.b"], (await Store.ListAsync(new JobQuery(), ct)).Items.Single().Spec!.Labels);
        // One row per label, written by the insert alone (the update above added none).
        Assert.Equal(3L, Convert.ToInt64(Scalar($"SELECT COUNT(*) FROM job_labels WHERE job_id = '{job.Id}'")));
        Assert.Equal(job.CreatedAt.ToUnixTimeMilliseconds(), Convert.ToInt64(Scalar("SELECT MIN(created_at) FROM job_labels")));
        Assert.Null((await Store.ReadAsync((await Write(Jobs.New())).Id, ct))!.State.Spec!.Labels);
    }

    [Fact]
    public async Task A_refused_second_insert_of_a_job_leaves_the_first_ones_labels()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = await Write(Jobs.New(labels: ["first"]));
        var again = Jobs.New(id: first.Id, labels: ["second"]);

        await Assert.ThrowsAsync<JobVersionConflictException>(() => Store.WriteAsync(again, Silo, 0, ct));

        Assert.Equal([first.Id], await LabelledIds(new JobQuery(Label: "first")));
        Assert.Empty(await LabelledIds(new JobQuery(Label: "second")));
        Assert.Equal(1L, Convert.ToInt64(Scalar("SELECT COUNT(*) FROM job_labels")));
    }

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

    [Fact]
    public async Task A_jobs_labels_are_deleted_with_it_however_it_is_deleted()
    {
        var ct = TestContext.Current.CancellationToken;
        var kept = await Write(Jobs.New(JobStatus.Succeeded, labels: ["nightly", "kept"]));
        var deleted = await Write(Jobs.New(labels: ["nightly", "deleted"]));
        var retained = Jobs.New(JobStatus.Succeeded, labels: ["nightly", "retained"]);
        retained.UpdatedAt = Jobs.T0.AddMinutes(-10);
        await Store.WriteAsync(retained, Silo, 0, ct);
        var failed = await Write(Jobs.New(JobStatus.Failed, labels: ["nightly", "failed"]));

        await Store.DeleteAsync(deleted.Id, ct);
        Assert.Equal([retained.Id], (await Store.DeleteFinishedAsync(JobStatus.Succeeded, Jobs.T0, 10, ct)).Select(d => d.Id));
        Assert.Equal([failed.Id], (await Store.DeleteFailedAsync([failed.Id], ct)).Select(d => d.Id));

        Assert.Equal([kept.Id], await LabelledIds(new JobQuery(Label: "nightly")));
        Assert.Equal(2L, Convert.ToInt64(Scalar("SELECT COUNT(*) FROM job_labels")));
        Assert.Equal(2L, Convert.ToInt64(Scalar($"SELECT COUNT(*) FROM job_labels WHERE job_id = '{kept.Id}'")));
        // The id is free again, and a new job under it starts with its own labels.
        await Store.WriteAsync(Jobs.New(id: deleted.Id, labels: ["reborn"]), Silo, 0, ct);
        Assert.Equal([deleted.Id], await LabelledIds(new JobQuery(Label: "reborn")));
        Assert.Empty(await LabelledIds(new JobQuery(Label: "deleted")));
    }

    private async Task<JobState> Write(JobState job)
    {
        await Store.WriteAsync(job, Silo, 0, TestContext.Current.CancellationToken);
        return job;
    }

    private async Task<string[]> LabelledIds(JobQuery query) =>
        [.. (await Store.ListAsync(query with { Limit = 100 }, TestContext.Current.CancellationToken)).Items.Select(job => job.Id)];
}
