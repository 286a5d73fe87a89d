namespace OrleansJobs.Api;

/// <summary>
/// One job type, the live silos that serve it (by address), and whether external workers run it (leased over HTTP)
/// rather than in-process handlers. A type declared external at run time is served by every silo.
/// </summary>
public sealed record JobTypeResponse(string Type, IReadOnlyList<JobTypeSiloResponse> Silos, bool External);
