using OrleansJobs.Workers;

namespace OrleansJobs.Jobs;

/// <summary>The job grain's calls from external workers (<see cref="IJobLeaseGrain"/>), carried out by <see cref="LeaseKeeper"/>.</summary>
public sealed partial class JobGrain : IJobLeaseGrain
{
    Task<LeaseGrant?> IJobLeaseGrain.Lease(string worker, string leaseId, TimeSpan duration) =>
        Job.Exists && _external.Contains(Job.Spec!.Type) ? _leases.LeaseAsync(worker, leaseId, duration) : Task.FromResult<LeaseGrant?>(null);

    Task<LeaseHeartbeat> IJobLeaseGrain.Heartbeat(string leaseId, double? percent, string? message, TimeSpan? extend)
    {
        EnsureExists();
        return _leases.HeartbeatAsync(leaseId, percent, message, extend);
    }

    Task IJobLeaseGrain.Complete(string leaseId, string? result)
    {
        EnsureExists();
        return _leases.EndAsync(leaseId, result, error: null, retryable: true);
    }

    Task IJobLeaseGrain.Fail(string leaseId, string error, bool retryable)
    {
        EnsureExists();
        return _leases.EndAsync(leaseId, result: null, new JobError(error, "WorkerError"), retryable);
    }

    /// <summary>
    /// Tells the job's worker pool that it is ready to be leased. Not awaited: should the offer be lost (the pool's
    /// activation gone), the job is still Queued and the sweeper's check of quiet jobs wakes it to offer it again.
    /// </summary>
    private void OfferToWorkers()
    {
        if (_runner.Draining) return; // offered again by the fresh activation after the restart
        var offer = GrainFactory.GetGrain<IWorkerPoolGrain>(Job.Spec!.Type).Offer(_leases.Ticket);
        _ = offer.ContinueWith(t => _logger.LogWarning(t.Exception, "Could not offer job {JobId} to workers; the sweeper tries again", Job.Id),
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>A leased attempt ended: what its outcome calls for next, as after an in-process attempt.</summary>
    private void AfterLeaseEnded()
    {
        if (Job.Status.IsTerminal() && !Job.HandOverPending) DeactivateWhenIdle();
        else Resume();
    }
}
