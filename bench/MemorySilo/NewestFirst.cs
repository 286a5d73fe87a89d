namespace OrleansJobs.Bench.MemorySilo;

/// <summary>
/// The listing order of every store, newest first: creation time, then id (ordinal), both descending. Only fields a
/// job never changes are compared, so a job stays where it is in a sorted set while it is written.
/// </summary>
internal sealed class NewestFirst : IComparer<MemoryJob>
{
    public static NewestFirst Instance { get; } = new();

    public int Compare(MemoryJob? x, MemoryJob? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return 1;
        if (y is null) return -1;
        var byTime = y.CreatedAtMs.CompareTo(x.CreatedAtMs);
        return byTime != 0 ? byTime : string.CompareOrdinal(y.Id, x.Id);
    }
}
