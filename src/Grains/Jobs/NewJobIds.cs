using System.Collections.Concurrent;

namespace OrleansJobs.Jobs;

/// <summary>
/// Ids this silo has just made for new jobs, while their submit call is on its way. No row can exist for such an id (a
/// version-7 UUID with 62 random bits, made here a moment ago), so when the job's grain activates on this silo its
/// storage skips the read that could only find nothing: a submit costs the insert alone, not a read and an insert.
/// An id is here only until the activation takes it or the submit returns, so any later activation of the job (after
/// a deactivation, on another silo) reads its row as usual.
/// </summary>
public sealed class NewJobIds
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    /// <summary>A new job id, known to have no row until its submit returns (call <see cref="Forget"/> then).</summary>
    public string Create()
    {
        var id = JobIds.New();
        _ids.TryAdd(id, 0);
        return id;
    }

    /// <summary>The submit of <paramref name="jobId"/> has returned (or failed): from now on its grain reads storage.</summary>
    public void Forget(string jobId) => _ids.TryRemove(jobId, out _);

    /// <summary>Whether <paramref name="jobId"/> was made here and not yet taken; taking it means the next activation reads.</summary>
    public bool TryTake(string jobId) => _ids.TryRemove(jobId, out _);

    /// <summary>Ids made and not yet taken or forgotten (for tests: a submit leaves none behind).</summary>
    public int Count => _ids.Count;
}
