using OrleansJobs.Retries;

namespace OrleansJobs.Callbacks;

/// <summary>The delivery rules, kept apart from the grain so that they are tested without sending or sleeping.</summary>
public static class CallbackDeliveryPolicy
{
    /// <summary>
    /// Records the outcome of delivery number <paramref name="attempt"/> of a pending callback: delivered, given up
    /// (refused, or the <paramref name="maxAttempts"/>-th failure), or due again after the <paramref name="backoff"/>.
    /// </summary>
    public static void Record(CallbackState callback, int attempt, DeliveryResult result, int maxAttempts, RetryPolicy backoff, DateTimeOffset now, Random random)
    {
        callback.Attempts = attempt;
        callback.LastError = result.Error;
        if (!result.Delivered && BackoffPolicy.ShouldRetry(attempt, maxAttempts, result.Retryable))
        {
            callback.NextAttemptAt = BackoffPolicy.NextAttemptAt(backoff, attempt, now, random);
            return;
        }
        callback.Status = result.Delivered ? CallbackStatus.Delivered : CallbackStatus.GivenUp;
        callback.Body = null;
        callback.NextAttemptAt = null;
        callback.SettledAt = now;
    }
}
