namespace OrleansJobs.Workers;

/// <summary>
/// The job grain's side of external workers: an attempt leased to a worker over HTTP, kept alive by its heartbeats and
/// ended by its complete or fail. Every call but <see cref="Lease"/> names the lease; a lease that is no longer the
/// job's open attempt throws <see cref="LeaseLostException"/> and changes nothing.
/// </summary>
public interface IJobLeaseGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts an attempt leased to <paramref name="worker"/> if the job is Queued and its queue admits it now; null
    /// otherwise (its queue wakes it when it is its turn, and it is offered to workers again).
    /// </summary>
    Task<LeaseGrant?> Lease(string worker, string leaseId, TimeSpan duration);

    /// <summary>Reports progress (published to watchers), extends the lease if asked, and says whether the worker should stop.</summary>
    Task<LeaseHeartbeat> Heartbeat(string leaseId, double? percent, string? message, TimeSpan? extend);

    /// <summary>The worker finished the attempt with <paramref name="result"/> (raw JSON text or null).</summary>
    Task Complete(string leaseId, string? result);

    /// <summary>The worker's attempt failed; a retryable failure is retried under the job's policy.</summary>
    Task Fail(string leaseId, string error, bool retryable);
}
