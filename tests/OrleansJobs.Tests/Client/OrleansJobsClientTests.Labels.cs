using OrleansJobs.Client;
using static OrleansJobs.Tests.Infrastructure.ClientJobs;

namespace OrleansJobs.Tests.Client;

/// <summary>Labels through the client: sent with a submit, read back on the job, listed by, and refused in the client's own exception.</summary>
public sealed partial class OrleansJobsClientTests
{
    [Fact]
    public async Task Jobs_are_submitted_with_labels_and_listed_by_one_of_them()
    {
        var queue = NewQueue();
        var label = "client-" + Guid.NewGuid().ToString("N")[..12];
        var labelled = await Client.SubmitAsync("noop", new SubmitOptions { Queue = queue, Labels = [label, "nightly", label] }, Token);
        var other = await Client.SubmitAsync("noop", new SubmitOptions { Queue = queue, Labels = ["nightly"] }, Token);

        Assert.Equal([label, "nightly"], labelled.Labels);
        Assert.Equal([label, "nightly"], (await Client.GetAsync(labelled.Id, Token)).Labels);
        var listed = Assert.Single(await Client.ListAsync(new JobListFilter { Label = label }, Token).ToListAsync(Token));
        Assert.Equal(labelled.Id, listed.Id);
        Assert.Equal([label, "nightly"], listed.Labels);
        Assert.Equal([other.Id, labelled.Id], await Client.ListAsync(new JobListFilter { Queue = queue, Label = "nightly" }, Token).Select(j => j.Id).ToListAsync(Token));
        Assert.Empty(await Client.ListAsync(new JobListFilter { Queue = queue, Label = label.ToUpperInvariant() }, Token).ToListAsync(Token));
    }

    [Fact]
    public async Task Bad_labels_are_refused_with_the_field_they_are_in()
    {
        var submit = await Assert.ThrowsAsync<JobValidationException>(() => Client.SubmitAsync("noop", new SubmitOptions { Labels = ["fine", "not fine"] }, Token));
        Assert.Contains("labels[1]", submit.Errors.Keys);

        var list = await Assert.ThrowsAsync<JobValidationException>(() => Client.ListAsync(new JobListFilter { Label = "a b" }, Token).ToListAsync(Token).AsTask());
        Assert.Contains("label", list.Errors.Keys);
    }
}
