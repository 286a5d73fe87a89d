namespace OrleansJobs.Api;

/// <summary>What <c>POST /api/jobs/delete</c> did: the failed jobs it deleted, and the listed ids it left alone.</summary>
/// <param name="Deleted">Ids of the jobs deleted: they were <c>Failed</c>, and are now unknown.</param>
/// <param name="Kept">The other ids listed: unknown, not <c>Failed</c> (retried meanwhile, say), or still handing over their callback.</param>
public sealed record JobDeleteResponse(IReadOnlyList<string> Deleted, IReadOnlyList<string> Kept);
