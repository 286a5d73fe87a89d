using OrleansJobs.Client;

namespace OrleansJobs.Server.Api;

/// <summary>
/// The answer to <c>POST /api/workers/lease</c>: the jobs leased to the worker, none when its wait passed. Each job is
/// the client library's <see cref="JobLease"/>, so that the contract has one home for the service and the .NET worker.
/// </summary>
public sealed record LeaseResponse(IReadOnlyList<JobLease> Jobs);
