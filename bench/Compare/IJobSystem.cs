namespace OrleansJobs.Bench.Compare;

/// <summary>A job to submit: its workload (a queue of its own), its number in the workload, and what it does.</summary>
public sealed record JobOrder(string Workload, int Index, DateTimeOffset? RunAt = null, bool FailFirstAttempt = false);

/// <summary>One attempt as the system recorded it. <paramref name="DueAt"/>: when it was meant to start, if it was delayed.</summary>
public sealed record AttemptTimes(DateTimeOffset StartedAt, DateTimeOffset? EndedAt, DateTimeOffset? DueAt);

public sealed record JobTimes(int Index, IReadOnlyList<AttemptTimes> Attempts)
{
    public DateTimeOffset? EndedAt => Attempts.Count > 0 ? Attempts[^1].EndedAt : null;
}

/// <summary>A job system under test, driven only through the API its users have.</summary>
public interface IJobSystem : IAsyncDisposable
{
    string Name { get; }

    /// <summary>The database its commits are counted in.</summary>
    string Database { get; }

    /// <summary>Completes when the system has acknowledged the job (durably stored it).</summary>
    Task SubmitAsync(JobOrder order, CancellationToken cancellationToken);

    /// <summary>True when no job of <paramref name="workload"/> is waiting, queued or running any more.</summary>
    Task<bool> IsDrainedAsync(string workload, int submitted, CancellationToken cancellationToken);

    /// <summary>The attempts of every job of <paramref name="workload"/> that has run.</summary>
    Task<IReadOnlyList<JobTimes>> ReadAsync(string workload, CancellationToken cancellationToken);
}
