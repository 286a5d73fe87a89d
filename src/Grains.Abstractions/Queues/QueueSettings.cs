namespace OrleansJobs.Queues;

/// <summary>
/// The limits of one named queue, cluster-wide. Null means "no limit". A queue with no limit that is not paused is
/// <see cref="IsFree"/>: its jobs start without asking anyone, at no extra cost.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record QueueSettings
{
    public static QueueSettings Unlimited { get; } = new();

    /// <summary>Most jobs of the queue running at once, anywhere in the cluster.</summary>
    [Id(0)] public int? MaxConcurrency { get; init; }

    /// <summary>Most jobs of one <see cref="Jobs.JobSpec.ConcurrencyKey"/> running at once (jobs without a key are not limited by it).</summary>
    [Id(1)] public int? MaxConcurrencyPerKey { get; init; }

    /// <summary>Most job starts per second, on average (a token bucket).</summary>
    [Id(2)] public double? RatePerSecond { get; init; }

    /// <summary>Starts allowed at once after a quiet spell: the bucket's size. Defaults to one second's worth of the rate.</summary>
    [Id(3)] public int? Burst { get; init; }

    /// <summary>A paused queue accepts jobs but starts none.</summary>
    [Id(4)] public bool Paused { get; init; }

    public bool IsFree => MaxConcurrency is null && MaxConcurrencyPerKey is null && RatePerSecond is null && !Paused;
}
