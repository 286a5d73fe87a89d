namespace OrleansJobs.Client;

/// <summary>What a worker's handler gets besides its lease: progress reports, and whether the service asked it to stop.</summary>
public interface IWorkerJobContext
{
    /// <summary>
    /// True once the service answered a heartbeat with <c>cancelRequested</c> (the job was cancelled or timed out), the
    /// lease was lost, or the worker stopped and its stop timeout passed; the handler's token is cancelled at the same moment.
    /// </summary>
    bool StopRequested { get; }

    /// <summary>
    /// Reports progress: watchers of the job (SignalR, server-sent events) see it as they see an in-process handler's.
    /// Sent at once as a heartbeat; its answer may cancel the handler's token.
    /// </summary>
    /// <param name="percent">How far the attempt is, 0 to 100.</param>
    /// <param name="message">What it is doing, up to 4000 characters; null for none.</param>
    /// <param name="cancellationToken">Cancels the report.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percent"/> is not from 0 to 100.</exception>
    Task ReportProgressAsync(double percent, string? message = null, CancellationToken cancellationToken = default);
}
