namespace OrleansJobs.Bench.Compare;

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
