using System.Text.Json.Serialization;

namespace OrleansJobs.Jobs;

/// <summary>
/// The durable state of one job: what was asked, where it is in its lifecycle, and every attempt.
/// The job grain owns it; the job table stores it, and the same row serves listing queries.
/// </summary>
[GenerateSerializer]
public sealed class JobState
{
    [Id(0)] public string Id { get; set; } = "";
    [Id(1)] public JobSpec? Spec { get; set; }
    [Id(2)] public JobStatus Status { get; set; }
    [Id(3)] public List<JobAttempt> Attempts { get; set; } = [];
    [Id(4)] public JobProgress? Progress { get; set; }
    /// <summary>The handler's result as raw JSON text.</summary>
    [Id(5)] public string? Result { get; set; }
    [Id(6)] public JobError? Error { get; set; }
    [Id(7)] public DateTimeOffset CreatedAt { get; set; }
    [Id(8)] public DateTimeOffset? ScheduledAt { get; set; }
    [Id(9)] public DateTimeOffset? StartedAt { get; set; }
    [Id(10)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(11)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(12)] public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>W3C trace id taken from <see cref="JobSpec.TraceParent"/>, shown to users.</summary>
    [Id(13)] public string? TraceId { get; set; }
    /// <summary>How many attempts came before the latest manual retry: those no longer count against the budget.</summary>
    [Id(14)] public int AttemptsBeforeRetry { get; set; }
    /// <summary>Sequence of the last <see cref="JobEvent"/> published for this job.</summary>
    [Id(15)] public long Sequence { get; set; }
    /// <summary>Someone watches (or watched) this job: its events are published. Unwatched jobs publish nothing.</summary>
    [Id(16)] public bool Watched { get; set; }
    /// <summary>
    /// A hand-over is pending: the job owes other grains a message and the sweeper wakes it until it is sent. Once
    /// finished: its completion callback, its batch and its dependents are to be told. While it waits for its
    /// dependencies: it is still to register with them. Stored under its first name, from when callbacks were the only
    /// hand-over (the <c>callback_pending</c> column too), so rows written before the rename read the same.
    /// </summary>
    [Id(17), JsonPropertyName("callbackPending")] public bool HandOverPending { get; set; }
    /// <summary>Jobs waiting for this one (their <see cref="JobSpec.DependsOn"/> names it): told when it finishes.</summary>
    [Id(30)] public List<string> Dependents { get; set; } = [];
    /// <summary>Those of <see cref="JobSpec.DependsOn"/> that have succeeded so far.</summary>
    [Id(31)] public List<string> DependenciesSucceeded { get; set; } = [];

    [JsonIgnore]
    public bool Exists => Spec is not null;

    /// <summary>The attempt number of the latest attempt (0 before the first).</summary>
    [JsonIgnore]
    public int Attempt => Attempts.Count == 0 ? 0 : Attempts[^1].Number;

    /// <summary>Attempts that count against <see cref="JobSpec.MaxAttempts"/>: interrupted ones and those before a manual retry do not.</summary>
    [JsonIgnore]
    public int CountedAttempts => Attempts.Skip(AttemptsBeforeRetry).Count(a => a.Outcome is not AttemptOutcome.Interrupted);

    /// <summary>
    /// When the job is next due to run (its run time or its retry time), if it is waiting: none while it waits for its
    /// dependencies rather than for a time.
    /// </summary>
    [JsonIgnore]
    public DateTimeOffset? DueAt => Status == JobStatus.Scheduled ? NextAttemptAt ?? ScheduledAt : null;
}
