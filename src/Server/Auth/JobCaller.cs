using System.Security.Claims;
using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Auth;

/// <summary>
/// Who asks, as far as jobs go: the owner recorded on what it submits (<see cref="JobSpec.Owner"/>: an API key's name,
/// a token's subject, or null for anonymous callers and the application's own code) and whether it sees every job
/// (<c>admin</c>, anonymous callers on loopback, the application's code) or only the jobs it owns. Every read, change
/// and watch of a job by id goes through <see cref="JobVisibility"/>, which decides with <see cref="Sees"/>; a job the
/// caller may not see answers exactly as a missing one.
/// </summary>
public sealed record JobCaller(string? Owner, bool SeesAll)
{
    /// <summary>The application's own code (the in-process <c>IJobClient</c>): no owner, every job.</summary>
    public static JobCaller Application { get; } = new(null, SeesAll: true);

    /// <summary>The caller an authenticated request stands for.</summary>
    public static JobCaller Of(ClaimsPrincipal user)
    {
        var name = user.Identity?.Name ?? user.FindFirst("sub")?.Value;
        if (name is null) // anonymous on loopback (every scope), or a token without a subject
            return JobAuthExtensions.Grants(user, JobScopes.Admin) ? Application : new JobCaller(null, SeesAll: false);
        return new JobCaller(name, JobAuthExtensions.Grants(user, JobScopes.Admin));
    }

    /// <summary>Binds the parameter of an endpoint from its request's user.</summary>
    public static ValueTask<JobCaller?> BindAsync(HttpContext context) => ValueTask.FromResult<JobCaller?>(Of(context.User));

    /// <summary>The owner a listing is limited to: null when the caller sees every job.</summary>
    public string? ListedOwner => SeesAll ? null : Owner ?? "";

    /// <summary>True when the caller may read, change and watch <paramref name="job"/>.</summary>
    public bool Sees(JobState job) => SeesOwnerOf(job.Spec?.Owner);

    /// <summary>True when the caller may see what <paramref name="owner"/> owns (a job, a schedule); null is nobody's but admins'.</summary>
    public bool SeesOwnerOf(string? owner) => SeesAll || (Owner is not null && owner == Owner);
}
