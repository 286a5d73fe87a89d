namespace OrleansJobs.Client;

/// <summary>The backoff between a job's failed attempts; members left null take the service's defaults.</summary>
public sealed record RetryOptions
{
    /// <summary>The delay before the second attempt (service default: 2 seconds).</summary>
    public TimeSpan? InitialDelay { get; init; }

    /// <summary>The longest delay between attempts, at least <see cref="InitialDelay"/> (service default: 10 minutes).</summary>
    public TimeSpan? MaxDelay { get; init; }

    /// <summary>How much each delay grows over the one before, 1 to 100 (service default: 2).</summary>
    public double? Multiplier { get; init; }

    /// <summary>Whether to randomize delays (service default: true).</summary>
    public bool? Jitter { get; init; }
}
