using Orleans.Placement;

namespace OrleansJobs.Placement;

/// <summary>Places a grain class by <see cref="JobPlacement"/>: on a silo that serves the job type it is about.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class JobPlacementAttribute() : PlacementAttribute(JobPlacement.Instance);
