namespace OrleansJobs.Api;

/// <summary><c>GET /api/silos</c>: the silos that membership does not count as dead, by address.</summary>
public sealed record SiloListResponse(IReadOnlyList<SiloResponse> Items);
