using System.Text.Json;

namespace OrleansJobs.Storage;

/// <summary>
/// A job as the job table stores it: the queryable columns taken from the state, and the state itself as JSON.
/// <see cref="Owner"/> is the silo that wrote it; <see cref="SubmittedBy"/> the job's owner (<see cref="JobSpec.Owner"/>). The
/// owner, correlation id, idempotency key, batch id and labels are written once, at insert (<see cref="JobQuery"/>); the labels
/// go to a table of their own (job_labels), one row each, in the insert's transaction.
/// Serialized on the caller's thread, so the writer only binds values and the caller may change its state object afterwards.
/// </summary>
internal sealed record JobRow(
    string Id, string Status, string Type, string Queue, int Priority,
    long CreatedAtMs, long UpdatedAtMs, long? DueAtMs, string Owner, string StateJson, bool HandOverPending, string? SubmittedBy,
    string? CorrelationId, string? IdempotencyKey, string? BatchId, IReadOnlyList<string> Labels)
{
    public static JobRow From(JobState state, string owner)
    {
        var spec = state.Spec ?? throw new ArgumentException($"Job '{state.Id}' has no spec: only submitted jobs are stored.", nameof(state));
        return new JobRow(
            state.Id, state.Status.ToString(), spec.Type, spec.Queue, spec.Priority,
            state.CreatedAt.ToUnixTimeMilliseconds(), state.UpdatedAt.ToUnixTimeMilliseconds(), state.DueAt?.ToUnixTimeMilliseconds(),
            owner, JsonSerializer.Serialize(state, JobJson.Default.JobState), state.HandOverPending, spec.Owner,
            spec.CorrelationId, spec.IdempotencyKey, spec.BatchId, spec.Labels ?? []);
    }
}
