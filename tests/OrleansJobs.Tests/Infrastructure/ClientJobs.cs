namespace OrleansJobs.Tests.Infrastructure;

internal static class ClientJobs
{
    /// <summary>A queue of the test's own, so listings see only its jobs in the shared host.</summary>
    public static string NewQueue() => "q" + Guid.NewGuid().ToString("N")[..12];
}
