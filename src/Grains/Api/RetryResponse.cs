namespace OrleansJobs.Api;

/// <summary>The backoff a job retries with, shown so that a reader can tell when its next attempt is due.</summary>
public sealed record RetryResponse(TimeSpan InitialDelay, TimeSpan MaxDelay, double Multiplier, bool Jitter)
{
    public static RetryResponse From(RetryPolicy retry) => new(retry.InitialDelay, retry.MaxDelay, retry.Multiplier, retry.Jitter);
}
