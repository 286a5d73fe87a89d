namespace OrleansJobs.Retries;

/// <summary>The retry math: when a failed job runs next, and whether it runs again at all. Pure, so it is tested without sleeping.</summary>
public static class BackoffPolicy
{
    private const double JitterLow = 0.8;
    private const double JitterHigh = 1.2;

    /// <summary>
    /// The wait after the <paramref name="failedAttempts"/>-th failure: InitialDelay × Multiplier^(failedAttempts−1), capped
    /// at MaxDelay; with jitter, scaled by a factor in [0.8, 1.2) taken from <paramref name="jitterSample"/> (in [0, 1)) and capped again.
    /// </summary>
    public static TimeSpan ComputeDelay(RetryPolicy policy, int failedAttempts, double jitterSample)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        if (jitterSample is not (>= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(jitterSample), jitterSample, "The jitter sample must be in [0, 1).");

        var max = policy.MaxDelay > TimeSpan.Zero ? policy.MaxDelay : TimeSpan.Zero;
        // Zero stays zero here rather than becoming 0 × infinity = NaN below.
        if (policy.InitialDelay <= TimeSpan.Zero)
            return TimeSpan.Zero;

        // In doubles, Multiplier^n overflows to infinity for large n and the cap absorbs it. Capping before the
        // jitter keeps jobs that have reached the cap spread out instead of all retrying at MaxDelay together.
        var ticks = Math.Min(policy.InitialDelay.Ticks * Math.Pow(policy.Multiplier, failedAttempts - 1), max.Ticks);
        if (policy.Jitter)
            ticks *= JitterLow + (JitterHigh - JitterLow) * jitterSample;

        // The comparison also sends NaN (a nonsensical multiplier) to the cap, and keeps the cast below in range.
        return ticks < max.Ticks ? TimeSpan.FromTicks((long)Math.Max(ticks, 0)) : max;
    }

    /// <summary>When the next attempt is due after the <paramref name="failedAttempts"/>-th failure, which happened at <paramref name="now"/>.</summary>
    public static DateTimeOffset NextAttemptAt(RetryPolicy policy, int failedAttempts, DateTimeOffset now, Random random) =>
        NextAttemptAt(policy, failedAttempts, now, random.NextDouble());

    /// <summary>The same, with the jitter sample (in [0, 1)) given.</summary>
    public static DateTimeOffset NextAttemptAt(RetryPolicy policy, int failedAttempts, DateTimeOffset now, double jitterSample)
    {
        var delay = ComputeDelay(policy, failedAttempts, jitterSample);
        return delay < DateTimeOffset.MaxValue - now ? now + delay : DateTimeOffset.MaxValue;
    }

    /// <summary>
    /// The waits of the silo's own retry loops (a write while the database is down, a message that did not go through):
    /// <paramref name="initial"/>, then each one <paramref name="multiplier"/> times the last, capped at
    /// <paramref name="max"/>, without jitter. Endless: a loop takes as many as it retries.
    /// </summary>
    public static IEnumerable<TimeSpan> Delays(TimeSpan initial, double multiplier, TimeSpan max)
    {
        var policy = new RetryPolicy { InitialDelay = initial, Multiplier = multiplier, MaxDelay = max, Jitter = false };
        for (var retry = 1; ; retry++)
            yield return ComputeDelay(policy, Math.Min(retry, 1_000), jitterSample: 0);
    }

    /// <summary>
    /// Whether a failed job gets another attempt: only a retryable failure with attempts left in its budget.
    /// <paramref name="countedAttempts"/> includes the attempt that just failed.
    /// </summary>
    public static bool ShouldRetry(int countedAttempts, int maxAttempts, bool retryable) =>
        retryable && countedAttempts < maxAttempts;
}
