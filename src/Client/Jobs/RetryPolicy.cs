namespace OrleansJobs.Client;

/// <summary>The backoff a job uses between failed attempts, as the service applies it.</summary>
public sealed record RetryPolicy
{
    /// <summary>The delay before the second attempt.</summary>
    public TimeSpan InitialDelay { get; init; }

    /// <summary>The longest delay between attempts.</summary>
    public TimeSpan MaxDelay { get; init; }

    /// <summary>How much each delay grows over the one before.</summary>
    public double Multiplier { get; init; }

    /// <summary>Whether delays are randomized so that many failing jobs do not retry in step.</summary>
    public bool Jitter { get; init; }
}
