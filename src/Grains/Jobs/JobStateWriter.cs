using Orleans.Serialization;
using Orleans.Storage;
using OrleansJobs.Retries;

namespace OrleansJobs.Jobs;

/// <summary>
/// Persists one job's state, one change at a time. Each change is applied in memory, settled by
/// <see cref="JobLifecycle.Settle"/> (event sequence, what it owes others) and written before the next one starts; its
/// consequences (answering waiters, publishing, handing over) run once it is stored, still in turn.
/// <para>
/// While a change is being written, <see cref="Visible"/> is the state as stored before it: no caller is shown a state
/// that is not stored yet (a Succeeded that a SIGKILL would turn back into a lost attempt that runs again).
/// </para>
/// <para>
/// Two kinds of change: one a caller asked for fails fast when the write fails, and the in-memory state goes back to
/// what is stored, so the caller can retry; one the job makes itself (start, outcome, recovery) has no caller to retry
/// it, so it keeps retrying the write while the storage is unreachable: a database outage delays it but never loses it.
/// </para>
/// </summary>
public sealed class JobStateWriter(
    IPersistentState<JobState> store,
    DeepCopier<JobState> copier,
    TimeProvider time,
    ILogger logger,
    Func<JobChange, Task> afterStored)
{
    private static readonly TimeSpan FirstSaveRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxSaveRetryDelay = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The state as stored while a change to it is being written, null otherwise.</summary>
    private JobState? _stored;

    /// <summary>The state in memory: the one being changed (and, while a write is on its way, ahead of storage).</summary>
    public JobState Job => store.State;

    /// <summary>The state callers are answered from: the stored one.</summary>
    public JobState Visible => _stored ?? store.State;

    /// <summary>True while a change is being written.</summary>
    public bool Writing => _stored is not null;

    public Task ChangeAsync(Action<JobState> change, bool untilSaved = false) => ChangeAsync(job => { change(job); return true; }, untilSaved);

    /// <summary>
    /// Applies <paramref name="change"/> (which returns false when it changed nothing: then nothing is written) and
    /// persists it. <paramref name="untilSaved"/>: the job's own change, retried until stored; otherwise a caller's,
    /// rolled back and thrown when the write fails.
    /// </summary>
    public async Task ChangeAsync(Func<JobState, bool> change, bool untilSaved = false)
    {
        await _gate.WaitAsync();
        try
        {
            var before = copier.Copy(Job);
            var (statusBefore, existedBefore) = (Job.Status, Job.Exists);
            if (!change(Job)) return;
            _stored = before;
            var settled = JobLifecycle.Settle(Job, statusBefore, existedBefore);
            if (untilSaved)
            {
                await SaveUntilStoredAsync();
            }
            else
            {
                try
                {
                    await store.WriteStateAsync();
                }
                catch
                {
                    store.State = before;
                    throw;
                }
            }
            _stored = null;
            await afterStored(settled);
        }
        finally
        {
            _stored = null;
            _gate.Release();
        }
    }

    /// <summary>Runs <paramref name="work"/> in turn with the changes: no change is written meanwhile.</summary>
    public async Task InTurnAsync(Func<Task> work)
    {
        await _gate.WaitAsync();
        try
        {
            await work();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stores a change that no caller waits for and that nothing else rests on, from inside <see cref="ChangeAsync(Func{JobState, bool}, bool)"/>'s
    /// consequences or <see cref="InTurnAsync"/>: one write, no retry; on failure <paramref name="undo"/> puts the
    /// memory back and false is returned, for a later attempt to store it again.
    /// </summary>
    public async Task<bool> TryStoreInTurnAsync(Action<JobState> change, Action<JobState> undo, string what)
    {
        change(Job);
        try
        {
            await store.WriteStateAsync();
            return true;
        }
        catch (Exception ex)
        {
            undo(Job);
            logger.LogWarning(ex, "Job {JobId}: could not store that it {What}; it will try again", Job.Id, what);
            return false;
        }
    }

    /// <summary>Returns once no change is being written (the next one may start right after).</summary>
    public async Task UntilStoredAsync()
    {
        if (_stored is null) return;
        await _gate.WaitAsync();
        _gate.Release();
    }

    private async Task SaveUntilStoredAsync()
    {
        var failures = 0;
        using var delays = BackoffPolicy.Delays(FirstSaveRetry, 2, MaxSaveRetryDelay).GetEnumerator();
        while (true)
        {
            try
            {
                await store.WriteStateAsync();
                if (failures > 0) logger.LogInformation("Job {JobId} saved as {Status} after {Failures} failed attempts to save it", Job.Id, Job.Status, failures);
                return;
            }
            catch (InconsistentStateException) when (failures > 0)
            {
                // A write that failed on the way back may have committed all the same: then the stored row is ours.
                var mine = copier.Copy(Job);
                await store.ReadStateAsync();
                if (Job.Status == mine.Status && Job.Attempts.Count == mine.Attempts.Count && Job.UpdatedAt == mine.UpdatedAt) return;
                throw;
            }
            catch (Exception ex) when (IsStorageUnavailable(ex))
            {
                failures++;
                delays.MoveNext();
                logger.LogWarning("Could not save job {JobId} as {Status} ({Error}); retrying in {Delay}", Job.Id, Job.Status, ex.Message, delays.Current);
                await Task.Delay(delays.Current, time);
            }
        }
    }

    private static bool IsStorageUnavailable(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is JobServiceUnavailableException) return true;
        return false;
    }
}
