namespace OrleansJobs.Client;

/// <summary>A job type the cluster can run, with the live silos that have a handler for it.</summary>
public sealed record JobTypeInfo
{
    /// <summary>The type's name, as a submit gives it.</summary>
    public required string Type { get; init; }

    /// <summary>The live silos that serve it, by address; a job of this type runs on one of them.</summary>
    public IReadOnlyList<JobTypeSilo> Silos { get; init; } = [];
}
