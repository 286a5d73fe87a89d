namespace OrleansJobs.Api;

/// <summary>A silo serving a job type: its address, as a job's attempts record the silo that ran them, and its name.</summary>
public sealed record JobTypeSiloResponse(string Address, string Name);
