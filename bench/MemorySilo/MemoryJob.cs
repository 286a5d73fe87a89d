using OrleansJobs.Storage;

namespace OrleansJobs.Bench.MemorySilo;

/// <summary>
/// One job of <see cref="MemoryJobStore"/>: what a job row holds, as fields. Those written once at insert stay as they
/// were, as the tables' insert-only columns do (a job's queue, type, priority, creation time, owner and search keys);
/// the rest change with every write. <see cref="State"/> is the store's own copy and is replaced, never changed, so a
/// reader may hold it outside the store's lock. Used under that lock only.
/// </summary>
internal sealed class MemoryJob(string id, long createdAtMs)
{
    public string Id { get; } = id;
    public long CreatedAtMs { get; } = createdAtMs;

    public string Type { get; init; } = "";
    public string Queue { get; init; } = "";
    public int Priority { get; init; }
    public string? SubmittedBy { get; init; }
    public string? CorrelationId { get; init; }
    public string? IdempotencyKey { get; init; }
    public string? BatchId { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];

    public JobState State { get; private set; } = new();
    public long Version { get; private set; }
    public JobStatus Status { get; private set; }
    public string Owner { get; private set; } = "";
    public long UpdatedAtMs { get; private set; }
    public long? DueAtMs { get; private set; }
    public bool HandOverPending { get; private set; }

    public bool IsActive => Status is JobStatus.Queued or JobStatus.Running;

    /// <summary>A new job from its first write (not yet written: <see cref="Write"/> follows).</summary>
    public static MemoryJob Insert(JobState state, JobSpec spec) => new(state.Id, state.CreatedAt.ToUnixTimeMilliseconds())
    {
        Type = spec.Type, Queue = spec.Queue, Priority = spec.Priority, SubmittedBy = spec.Owner, CorrelationId = spec.CorrelationId,
        IdempotencyKey = spec.IdempotencyKey, BatchId = spec.BatchId, Labels = spec.Labels ?? [],
    };

    /// <summary>A write: <paramref name="copy"/> (the caller's state, copied) becomes the stored state, one version on.</summary>
    public long Write(JobState copy, string owner)
    {
        State = copy;
        Status = copy.Status;
        Owner = owner;
        UpdatedAtMs = copy.UpdatedAt.ToUnixTimeMilliseconds();
        DueAtMs = copy.DueAt?.ToUnixTimeMilliseconds();
        HandOverPending = copy.HandOverPending;
        return ++Version;
    }

    /// <summary>Whether the job passes the filters of <paramref name="query"/> (the cursor and the page are the caller's).</summary>
    public bool Matches(JobQuery query) =>
        (query.Status is not { } status || Status == status)
        && (query.Queue is not { } queue || Queue == queue)
        && (query.Type is not { } type || Type == type)
        && (query.CreatedFrom is not { } from || CreatedAtMs >= from.ToUnixTimeMilliseconds())
        && (query.CreatedTo is not { } to || CreatedAtMs < to.ToUnixTimeMilliseconds())
        && (query.Search is not { } search || Id == search || CorrelationId == search || IdempotencyKey == search || BatchId == search)
        && (query.Owner is not { } owner || SubmittedBy == owner)
        && (query.Label is not { } label || Labels.Contains(label));

    /// <summary>What retention and the dead-letter delete report of a deleted job.</summary>
    public DeletedJob Deleted() => new(Id, BatchId, HadCallback: State.Spec?.CallbackUrl is not null);

    public QueueMember Member() =>
        new(Id, Status, Priority, State.Spec?.ConcurrencyKey, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs), Owner);
}
