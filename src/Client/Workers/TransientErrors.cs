namespace OrleansJobs.Client;

/// <summary>Which failures of a worker's requests are worth asking again: the network, a timeout, a busy or restarting service.</summary>
internal static class TransientErrors
{
    public static bool Is(Exception exception) =>
        exception is HttpRequestException or TimeoutException or TaskCanceledException
            or JobServiceUnavailableException or JobThrottledException or OrleansJobsException { StatusCode: >= System.Net.HttpStatusCode.InternalServerError };

    /// <summary>The pause the service asked for, if it did.</summary>
    public static TimeSpan? RetryAfter(Exception exception) =>
        exception switch
        {
            JobThrottledException throttled => throttled.RetryAfter,
            JobServiceUnavailableException unavailable => unavailable.RetryAfter,
            _ => null,
        };
}
