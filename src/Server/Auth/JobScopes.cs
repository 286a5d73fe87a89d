namespace OrleansJobs.Server.Auth;

/// <summary>
/// The scopes an API key (or a JWT's <c>scope</c> claim) grants, and the authorization policy of each: <c>submit</c>
/// submits jobs and batches, <c>read</c> reads and watches them, <c>manage</c> changes queues and schedules and
/// cancels or retries jobs, <c>worker</c> leases jobs to external workers and reports on them, and <c>admin</c> grants all of them.
/// </summary>
public static class JobScopes
{
    /// <summary>Submits jobs and batches.</summary>
    public const string Submit = "submit";

    /// <summary>Reads and lists jobs, batches, queues and schedules; watches progress (hub and server-sent events); OpenAPI and metrics.</summary>
    public const string Read = "read";

    /// <summary>Changes queues and schedules, cancels and retries jobs and batches.</summary>
    public const string Manage = "manage";

    /// <summary>Leases jobs to external workers, and sends their heartbeats, results and failures.</summary>
    public const string Worker = "worker";

    /// <summary>Everything, the dashboard included.</summary>
    public const string Admin = "admin";

    /// <summary>Every scope a key may carry.</summary>
    public static IReadOnlyList<string> All { get; } = [Submit, Read, Manage, Worker, Admin];

    /// <summary>The name of the authorization policy that requires <paramref name="scope"/> (or <see cref="Admin"/>).</summary>
    public static string Policy(string scope) => "orleansjobs:" + scope;

    /// <summary>The claim type that carries one granted scope.</summary>
    public const string ClaimType = "scope";
}
