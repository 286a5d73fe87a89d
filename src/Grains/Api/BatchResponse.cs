using OrleansJobs.Batches;

namespace OrleansJobs.Api;

/// <summary>
/// A batch as the API shows it: <c>counts</c> per status (every status, zeros included), <c>progress</c> = finished /
/// total, member ids in submission order, and the continuation's id and status (null before it is submitted).
/// </summary>
public sealed record BatchResponse(
    string Id,
    int Total,
    int Finished,
    double Progress,
    IReadOnlyDictionary<string, int> Counts,
    IReadOnlyList<string> Jobs,
    BatchContinuationResponse? Continuation,
    bool Cancelled,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CompletedAt)
{
    public static BatchResponse From(BatchView batch) => new(
        batch.Id, batch.Total, batch.Finished, batch.Total == 0 ? 1 : (double)batch.Finished / batch.Total,
        Enum.GetValues<JobStatus>().ToDictionary(s => s.ToString(), s => batch.Counts.GetValueOrDefault(s)),
        batch.Jobs,
        batch.ContinuationId is { } continuation ? new BatchContinuationResponse(continuation, batch.ContinuationStatus) : null,
        batch.Cancelled, batch.CreatedAt, batch.CompletedAt);
}
