namespace OrleansJobs.Tests.Infrastructure;

/// <summary>The payload and result of the stock <c>delay</c> job type, as a client application would declare them.</summary>
public sealed record DelayPayload(string? Duration = null, int? Steps = null, int? FailAttempts = null);

public sealed record DelayResult(int Steps);

internal static class ClientJobs
{
    /// <summary>A queue of the test's own, so listings see only its jobs in the shared host.</summary>
    public static string NewQueue() => "q" + Guid.NewGuid().ToString("N")[..12];
}
