using System.Globalization;
using Orleans.Runtime;
using Orleans.Storage;

namespace OrleansJobs.Storage;

/// <summary>
/// Orleans grain storage for <see cref="JobState"/> over <see cref="IJobStore"/>, so job grains keep the usual
/// <c>IPersistentState</c> model while their writes are group-committed into the queryable job table.
/// The grain key is the job id; the ETag is the row version; the owner written is this silo.
/// </summary>
public sealed class JobGrainStorage(IJobStore store, ILocalSiloDetails silo, NewJobIds newJobs) : IGrainStorage
{
    private readonly string _owner = silo.SiloAddress.ToParsableString();

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        EnsureJobState<T>(stateName);
        var jobId = grainId.Key.ToString()!;
        // A job this silo is submitting under an id it just made: there is nothing to read (see NewJobIds).
        var stored = newJobs.TryTake(jobId) ? null : await store.ReadAsync(jobId);
        grainState.State = (T)(object)(stored?.State ?? new JobState());
        grainState.ETag = stored?.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = stored is not null;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        EnsureJobState<T>(stateName);
        var expectedVersion = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        try
        {
            var version = await store.WriteAsync((JobState)(object)grainState.State!, _owner, expectedVersion);
            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        catch (JobVersionConflictException conflict)
        {
            // Orleans deactivates an activation whose write hits this exception, so the next call reloads the state.
            throw new InconsistentStateException(conflict.Message, conflict);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        EnsureJobState<T>(stateName);
        await store.DeleteAsync(grainId.Key.ToString());
        grainState.State = (T)(object)new JobState();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static void EnsureJobState<T>(string stateName)
    {
        if (typeof(T) != typeof(JobState))
        {
            throw new NotSupportedException(
                $"Job grain storage holds only {nameof(JobState)}; state '{stateName}' is a {typeof(T)}. Give it another storage provider.");
        }
    }
}
