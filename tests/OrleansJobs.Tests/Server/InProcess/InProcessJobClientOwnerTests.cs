using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Client;
using OrleansJobs.Server.InProcess;
using OrleansJobs.Tests.Infrastructure;
using JobStatus = OrleansJobs.Client.JobStatus;

namespace OrleansJobs.Tests.Server.InProcess;

/// <summary>
/// The in-process client acting for an owner (<see cref="JobClientOwners.ForOwner"/>) on the real silo host: jobs carry
/// the owner, and reads, cancels, retries, waits and idempotency keys are the owner's own, as for a key without admin.
/// The plain client stays the application's own, fully trusted.
/// </summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class InProcessJobClientOwnerTests(SiloHostFixture host)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private IJobClient Application => host.Services.GetRequiredService<IJobClient>();

    [Fact]
    public async Task A_job_submitted_for_an_owner_records_it_and_only_that_owner_and_the_application_see_it()
    {
        var alice = Application.ForOwner("alice");
        var bob = Application.ForOwner("bob");

        var job = await alice.SubmitAsync("noop", cancellationToken: Token);

        Assert.Equal("alice", job.Owner);
        Assert.Equal("alice", (await alice.WaitForCompletionAsync(job.Id, Timeout, Token)).Owner);
        Assert.Equal(JobStatus.Succeeded, (await Application.GetAsync(job.Id, Token)).Status);
        await Assert.ThrowsAsync<JobNotFoundException>(() => bob.GetAsync(job.Id, Token));
        await Assert.ThrowsAsync<JobNotFoundException>(() => bob.RetryAsync(job.Id, Token));
        await Assert.ThrowsAsync<JobNotFoundException>(() => bob.WaitForCompletionAsync(job.Id, Timeout, Token));
    }

    [Fact]
    public async Task An_owner_cannot_cancel_another_owners_job_nor_see_the_applications_own()
    {
        var waiting = await Application.ForOwner("alice").SubmitAsync("noop", new SubmitOptions { RunAt = DateTimeOffset.UtcNow.AddHours(1) }, Token);
        var unowned = await Application.SubmitAsync("noop", cancellationToken: Token);

        await Assert.ThrowsAsync<JobNotFoundException>(() => Application.ForOwner("bob").CancelAsync(waiting.Id, Token));
        Assert.Equal(JobStatus.Scheduled, (await Application.GetAsync(waiting.Id, Token)).Status);
        Assert.Null(unowned.Owner);
        await Assert.ThrowsAsync<JobNotFoundException>(() => Application.ForOwner("alice").GetAsync(unowned.Id, Token));

        Assert.Equal(JobStatus.Cancelled, (await Application.ForOwner("alice").CancelAsync(waiting.Id, Token)).Status);
    }

    [Fact]
    public async Task Idempotency_keys_are_scoped_per_owner()
    {
        var key = "owner-scoped-" + Guid.NewGuid().ToString("N");
        var options = new SubmitOptions { IdempotencyKey = key };

        var first = await Application.ForOwner("alice").SubmitAsync("noop", options, Token);
        var replay = await Application.ForOwner("alice").SubmitAsync("noop", options, Token);
        var bobs = await Application.ForOwner("bob").SubmitAsync("noop", options, Token);

        Assert.Equal(first.Id, replay.Id);
        Assert.NotEqual(first.Id, bobs.Id);
        Assert.Equal("bob", bobs.Owner);
    }

    [Fact]
    public async Task An_empty_or_overlong_owner_is_refused_and_the_http_client_cannot_act_for_one()
    {
        Assert.Throws<ArgumentException>(() => Application.ForOwner(" "));
        Assert.Throws<ArgumentOutOfRangeException>(() => Application.ForOwner(new string('a', InProcessJobClient.MaxOwnerLength + 1)));
        await using var http = new OrleansJobsClient(host.Http);
        Assert.Throws<InvalidOperationException>(() => ((IJobClient)http).ForOwner("alice"));
    }
}
