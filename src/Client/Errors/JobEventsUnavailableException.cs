namespace OrleansJobs.Client;

/// <summary>
/// The service's live events (its SignalR hub) could not be reached: the connection failed, or it was lost and could not
/// be made again. <see cref="Exception.InnerException"/> says why. <see cref="IJobClient.WaitForCompletionAsync"/>
/// never throws it: it polls instead.
/// </summary>
/// <param name="hub">The hub's address.</param>
/// <param name="innerException">Why the connection failed.</param>
public sealed class JobEventsUnavailableException(Uri hub, Exception innerException)
    : Exception($"Could not connect to the job events hub at {hub}: {innerException.Message}", innerException)
{
    /// <summary>The hub's address.</summary>
    public Uri Hub { get; } = hub;
}
