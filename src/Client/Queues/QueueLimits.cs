namespace OrleansJobs.Client;

/// <summary>
/// The limits of a named queue, cluster-wide. Null means no limit; a queue with none that is not paused starts its jobs
/// as soon as they are due, in any number.
/// </summary>
public sealed record QueueLimits
{
    /// <summary>Most jobs of the queue running at once anywhere in the cluster (1 to 100,000).</summary>
    public int? MaxConcurrency { get; init; }

    /// <summary>Most jobs with the same concurrency key running at once (see <see cref="SubmitOptions.ConcurrencyKey"/>).</summary>
    public int? MaxConcurrencyPerKey { get; init; }

    /// <summary>Most job starts per second, on average.</summary>
    public double? RatePerSecond { get; init; }

    /// <summary>Starts allowed at once after a quiet spell; needs <see cref="RatePerSecond"/>. Null: one second's worth.</summary>
    public int? Burst { get; init; }

    /// <summary>A paused queue accepts jobs but starts none.</summary>
    public bool Paused { get; init; }
}
