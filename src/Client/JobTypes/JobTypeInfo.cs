namespace OrleansJobs.Client;

/// <summary>A job type the cluster can run, with the live silos that serve it, and whether external workers run it.</summary>
public sealed record JobTypeInfo
{
    /// <summary>The type's name, as a submit gives it.</summary>
    public required string Type { get; init; }

    /// <summary>The live silos that serve it, by address; a job of this type runs on one of them.</summary>
    public IReadOnlyList<JobTypeSilo> Silos { get; init; } = [];

    /// <summary>True when workers outside the cluster lease its jobs over HTTP (<see cref="IOrleansJobsClient.RunWorkerAsync"/>) rather than a handler in a silo running them.</summary>
    public bool External { get; init; }
}
