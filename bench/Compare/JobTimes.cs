namespace OrleansJobs.Bench.Compare;

public sealed record JobTimes(int Index, IReadOnlyList<AttemptTimes> Attempts)
{
    public DateTimeOffset? EndedAt => Attempts.Count > 0 ? Attempts[^1].EndedAt : null;
}
