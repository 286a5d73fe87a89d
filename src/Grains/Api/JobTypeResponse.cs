namespace OrleansJobs.Api;

/// <summary>One job type and the live silos that have a handler for it, by address.</summary>
public sealed record JobTypeResponse(string Type, IReadOnlyList<JobTypeSiloResponse> Silos);
