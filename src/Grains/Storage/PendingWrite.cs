using System.Diagnostics;

namespace OrleansJobs.Storage;

/// <summary>
/// One write queued for a store's group commit: an insert or update when <see cref="Row"/> is set, a delete otherwise.
/// Its task completes once the batch that holds it has committed.
/// </summary>
internal sealed record PendingWrite(string JobId, JobRow? Row, long ExpectedVersion)
{
    public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When it was queued (a <see cref="Stopwatch"/> timestamp), for the store's write times.</summary>
    public long QueuedAt { get; } = Stopwatch.GetTimestamp();
}
