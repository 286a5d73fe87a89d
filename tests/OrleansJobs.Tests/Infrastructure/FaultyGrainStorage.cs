using System.Collections.Concurrent;
using Orleans.Storage;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// Grain storage over a real provider that fails chosen writes once, for the tests of what a grain does when a write
/// fails: either before the write reaches the inner storage (as if the silo had died first) or after it is stored (as a
/// timeout that committed does, leaving the grain with a stale ETag).
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentQueue<(Func<object, bool> Matches, bool Stored, TaskCompletionSource Failed)> _faults = new();

    /// <summary>The next write whose state matches fails (stored first when <paramref name="stored"/>); the task completes then.</summary>
    public Task FailNextWrite<T>(Func<T, bool> matches, bool stored)
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _faults.Enqueue((state => state is T typed && matches(typed), stored, failed));
        return failed.Task;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!_faults.TryPeek(out var fault) || grainState.State is null || !fault.Matches(grainState.State) || !_faults.TryDequeue(out fault))
        {
            await inner.WriteStateAsync(stateName, grainId, grainState);
            return;
        }
        if (fault.Stored)
        {
            // Stored, but the answer is lost: the grain keeps the ETag it had, which the storage no longer holds.
            var etag = grainState.ETag;
            await inner.WriteStateAsync(stateName, grainId, grainState);
            grainState.ETag = etag;
        }
        fault.Failed.TrySetResult();
        throw new IOException($"Injected failure of a write of {grainId} ({(fault.Stored ? "after" : "before")} it was stored)");
    }
}
