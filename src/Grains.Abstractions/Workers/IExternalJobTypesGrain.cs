using Orleans.Concurrency;

namespace OrleansJobs.Workers;

/// <summary>
/// The job types declared external at run time (<c>PUT /api/job-types/{type}</c>), in one grain (key 0) and one storage
/// row: a change is one write, and each silo keeps a copy fresh with one call every couple of seconds.
/// </summary>
public interface IExternalJobTypesGrain : IGrainWithIntegerKey
{
    /// <summary>At most this many types are declared at run time.</summary>
    public const int MaxTypes = 1000;

    /// <summary>The declared types, in ordinal order.</summary>
    [AlwaysInterleave, ReadOnly]
    Task<string[]> GetAll();

    /// <summary>Declares <paramref name="type"/> external or takes it back; false (and nothing stored) when <see cref="MaxTypes"/> are declared already.</summary>
    Task<bool> Set(string type, bool external);
}
