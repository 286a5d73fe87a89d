using System.Security.Claims;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>Who a request stands for as far as jobs go: the owner it records and the jobs it may see.</summary>
[Trait("Kind", "Unit")]
public sealed class JobCallerTests
{
    private static readonly JobState Alices = Job("alice");
    private static readonly JobState Unowned = Job(owner: null);

    [Fact]
    public void A_key_without_admin_owns_what_it_submits_and_sees_only_that()
    {
        var caller = JobCaller.Of(User("alice", JobScopes.Submit, JobScopes.Read));
        Assert.Equal(new JobCaller("alice", SeesAll: false), caller);
        Assert.Equal("alice", caller.ListedOwner);
        Assert.True(caller.Sees(Alices));
        Assert.False(caller.Sees(Job("bob")));
        Assert.False(caller.Sees(Unowned));
    }

    [Fact]
    public void What_an_owner_holds_besides_jobs_is_seen_by_that_owner_and_admins_alone()
    {
        var alice = new JobCaller("alice", SeesAll: false);
        Assert.True(alice.SeesOwnerOf("alice"));
        Assert.False(alice.SeesOwnerOf("bob"));
        Assert.False(alice.SeesOwnerOf(null));
        Assert.False(new JobCaller(null, SeesAll: false).SeesOwnerOf(null)); // a token without a subject owns nothing
        Assert.True(JobCaller.Application.SeesOwnerOf("alice") && JobCaller.Application.SeesOwnerOf(null));
    }

    [Fact]
    public void An_admin_key_owns_what_it_submits_and_sees_every_job()
    {
        var caller = JobCaller.Of(User("ops", JobScopes.Admin));
        Assert.Equal(new JobCaller("ops", SeesAll: true), caller);
        Assert.Null(caller.ListedOwner);
        Assert.True(caller.Sees(Alices) && caller.Sees(Unowned));
    }

    [Fact]
    public void An_anonymous_caller_with_every_scope_owns_nothing_and_sees_every_job()
    {
        var caller = JobCaller.Of(User(name: null, [.. JobScopes.All]));
        Assert.Equal(JobCaller.Application, caller);
        Assert.True(caller.Sees(Alices) && caller.Sees(Unowned));
    }

    [Fact]
    public void A_token_without_a_subject_or_admin_sees_no_job_at_all()
    {
        var caller = JobCaller.Of(User(name: null, JobScopes.Read));
        Assert.False(caller.Sees(Alices) || caller.Sees(Unowned));
        Assert.Equal("", caller.ListedOwner); // no job has an empty owner
    }

    private static ClaimsPrincipal User(string? name, params string[] scopes)
    {
        var claims = new List<Claim>();
        if (name is not null) claims.Add(new Claim(ClaimTypes.Name, name));
        claims.AddRange(scopes.Select(s => new Claim(JobScopes.ClaimType, s)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    private static JobState Job(string? owner) => new() { Id = JobIds.New(), Spec = new JobSpec { Type = "noop", Owner = owner } };
}
