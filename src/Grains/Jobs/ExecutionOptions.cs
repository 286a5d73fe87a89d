using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Jobs;

/// <summary>
/// How many handlers one silo runs at once, from the configuration section <c>OrleansJobs:Execution</c>. A job that finds
/// every slot taken waits <see cref="JobStatus.Queued"/> on its silo until one frees up, oldest first.
/// </summary>
public sealed class ExecutionOptions
{
    public const string SectionName = "OrleansJobs:Execution";

    /// <summary>Handlers of any type running at once on this silo.</summary>
    [Range(1, 1_000_000)] public int MaxConcurrentHandlers { get; set; } = 1000;

    /// <summary>Job types whose handlers keep a core busy (encoding, hashing, training): they also need one of <see cref="MaxConcurrentCpuBound"/>'s slots.</summary>
    public string[] CpuBoundTypes { get; set; } = [];

    /// <summary>Handlers of <see cref="CpuBoundTypes"/> running at once on this silo; by default one per core.</summary>
    [Range(1, 100_000)] public int MaxConcurrentCpuBound { get; set; } = Environment.ProcessorCount;
}
