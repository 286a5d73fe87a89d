namespace OrleansJobs.Client;

/// <summary>A named queue: how many of its jobs are where, and its limits.</summary>
public sealed record QueueInfo
{
    /// <summary>The queue's name, as jobs give it in <see cref="SubmitOptions.Queue"/>.</summary>
    public required string Name { get; init; }

    /// <summary>Jobs waiting to start (for a slot, or for a worker).</summary>
    public long Queued { get; init; }

    /// <summary>Jobs running now.</summary>
    public long Running { get; init; }

    /// <summary>Jobs waiting for their run time or their next retry.</summary>
    public long Scheduled { get; init; }

    /// <summary>Jobs that failed for good.</summary>
    public long Failed { get; init; }

    /// <inheritdoc cref="QueueLimits.MaxConcurrency"/>
    public int? MaxConcurrency { get; init; }

    /// <inheritdoc cref="QueueLimits.MaxConcurrencyPerKey"/>
    public int? MaxConcurrencyPerKey { get; init; }

    /// <inheritdoc cref="QueueLimits.RatePerSecond"/>
    public double? RatePerSecond { get; init; }

    /// <inheritdoc cref="QueueLimits.Burst"/>
    public int? Burst { get; init; }

    /// <inheritdoc cref="QueueLimits.Paused"/>
    public bool Paused { get; init; }

    /// <summary>While the queue is limited or paused: jobs holding one of its slots right now (null otherwise).</summary>
    public int? Holding { get; init; }

    /// <summary>While the queue is limited or paused: jobs waiting for a slot right now (null otherwise).</summary>
    public int? Waiting { get; init; }
}
