namespace OrleansJobs.Jobs;

/// <summary>Backoff between attempts: delay = initialDelay * multiplier^(n-1), capped at maxDelay, optionally jittered.</summary>
[GenerateSerializer, Immutable]
public sealed record RetryPolicy
{
    public static RetryPolicy Default { get; } = new();

    [Id(0)] public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(2);
    [Id(1)] public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(10);
    [Id(2)] public double Multiplier { get; init; } = 2.0;
    [Id(3)] public bool Jitter { get; init; } = true;
}
