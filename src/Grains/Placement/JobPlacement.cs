using Orleans.Runtime;

namespace OrleansJobs.Placement;

/// <summary>
/// Placement by handler set: a job's grain (and a job type's, <see cref="IJobTypeGrain"/>) is placed on a live silo
/// that has a handler for the job's type; <see cref="JobPlacementDirector"/> chooses among them.
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class JobPlacement : PlacementStrategy
{
    /// <summary>The one instance the placement attribute names.</summary>
    public static JobPlacement Instance { get; } = new();
}
