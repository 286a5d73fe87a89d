using System.Text;
using System.Text.Json;
using Orleans.Concurrency;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;

namespace OrleansJobs.Batches;

/// <summary>
/// One batch. Members tell it how they ended through their durable hand-over (<see cref="JobHandOver"/>), and it
/// answers only once the ending is stored, so a member whose silo dies before it is told tells it again later. Once
/// the batch is sealed and every member has ended, it submits the continuation (id <see cref="BatchIds.Continuation"/>,
/// so a second submit is a replay) before it answers the last member: the continuation goes out exactly once, whatever
/// repeats or reactivations happen. Reentrant, so that a cancel fanning out to members is never stuck behind their
/// reports to it; state changes are applied between writes, and one write stores all that came meanwhile.
/// </summary>
[GrainType("batch")]
[Reentrant]
public sealed class BatchGrain(
    [PersistentState("batch")] IPersistentState<BatchState> store,
    IJobStore jobs,
    TimeProvider time,
    ILogger<BatchGrain> logger) : Grain, IBatchGrain
{
    private readonly List<(Func<bool> Change, TaskCompletionSource Stored)> _queued = [];
    private Task? _flushing;
    private HashSet<string>? _members;
    private BatchState Batch => store.State;
    private string Id => this.GetPrimaryKeyString();

    async Task<BatchView> IBatchGrain.Create(int total, JobSpec? continuation, DateTimeOffset createdAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(total);
        await ChangeAsync(() =>
        {
            // A replay of the same request finds the batch sealed and keeps it as it was first submitted.
            if (Batch.Total != 0) return false;
            Batch.Total = total;
            Batch.Continuation = continuation;
            Batch.CreatedAt = createdAt;
            foreach (var stranger in Batch.Outcomes.Values.Where(o => !Members().Contains(o.JobId)).ToList())
            {
                Batch.Outcomes.Remove(stranger.JobId);
                Batch.KeptResultBytes -= stranger.Result is { } result ? Encoding.UTF8.GetByteCount(result) : 0;
            }
            return true;
        });
        return await ViewAsync();
    }

    Task IBatchGrain.MemberFinished(BatchMemberOutcome outcome) => ChangeAsync(() => Record(outcome));

    async Task<BatchView?> IBatchGrain.Get() => Batch.Total == 0 ? null : await ViewAsync();

    async Task<BatchView?> IBatchGrain.Cancel()
    {
        if (Batch.Total == 0) return null;
        await ChangeAsync(() =>
        {
            if (Batch.Cancelled) return false;
            Batch.Cancelled = true;
            if (!Batch.ContinuationSubmitted && Batch.Continuation is not null) Batch.ContinuationStatus = JobStatus.Cancelled;
            return true;
        });
        var open = Enumerable.Range(0, Batch.Total).Select(i => BatchIds.Member(Id, i)).Where(id => !Batch.Outcomes.ContainsKey(id)).ToList();
        if (Batch.ContinuationSubmitted) open.Add(BatchIds.Continuation(Id));
        foreach (var chunk in open.Chunk(64))
            await Task.WhenAll(chunk.Select(CancelJobAsync));
        return await ViewAsync();
    }

    async Task IBatchGrain.MembersDeleted()
    {
        if (!store.RecordExists) return;
        // Its jobs carry its id (JobSpec.BatchId), found by search through the batch index: one is enough to keep it.
        if ((await jobs.ListAsync(new JobQuery(Search: Id, Limit: 1))).Items.Count > 0) return;
        if (_flushing is { } flushing) await flushing;
        await store.ClearStateAsync(); // the default storage deletes the row (DeleteStateOnClear)
        _members = null;
        logger.LogInformation("Batch {BatchId} deleted: none of its jobs remain", Id);
        DeactivateOnIdle();
    }

    private async Task CancelJobAsync(string jobId)
    {
        var job = GrainFactory.GetGrain<IJobGrain>(jobId);
        try
        {
            // A running continuation has started: it is left to finish.
            if (jobId == BatchIds.Continuation(Id) && (await job.Get())?.Status is not (JobStatus.Scheduled or JobStatus.Queued)) return;
            await job.Cancel();
        }
        catch (JobConflictException)
        {
            // It ended meanwhile.
        }
    }

    /// <summary>Records an ending; false for a repeat (or an older ending) that changes nothing.</summary>
    private bool Record(BatchMemberOutcome outcome)
    {
        if (!outcome.Status.IsTerminal()) return false;
        if (outcome.JobId == BatchIds.Continuation(Id))
        {
            if (Batch.ContinuationStatus == outcome.Status) return false;
            Batch.ContinuationStatus = outcome.Status;
            return true;
        }
        if (Batch.Total > 0 && !Members().Contains(outcome.JobId)) return false;
        if (Batch.Outcomes.TryGetValue(outcome.JobId, out var known) && known.Sequence >= outcome.Sequence) return false;
        if (known?.Result is { } dropped) Batch.KeptResultBytes -= Encoding.UTF8.GetByteCount(dropped);
        Batch.Outcomes[outcome.JobId] = Capped(outcome);
        return true;
    }

    /// <summary>Keeps the result only while it and the results kept so far fit the limits; cuts long error messages.</summary>
    private BatchMemberOutcome Capped(BatchMemberOutcome outcome)
    {
        if (outcome.Error is { Message.Length: > BatchLimits.MaxErrorMessageLength } error)
            outcome = outcome with { Error = error with { Message = error.Message[..BatchLimits.MaxErrorMessageLength] } };
        if (outcome.Result is not { } result) return outcome;
        var size = Encoding.UTF8.GetByteCount(result);
        if (size > BatchLimits.MaxMemberResultBytes || Batch.KeptResultBytes + size > BatchLimits.MaxKeptResultBytes)
            return outcome with { Result = null, ResultOmitted = true };
        Batch.KeptResultBytes += size;
        return outcome;
    }

    /// <summary>Once sealed, only members' endings are kept (see <see cref="IBatchGrain.Create"/>): ended when they are all there.</summary>
    private bool AllEnded() => Batch.Total > 0 && Batch.Outcomes.Count == Batch.Total;

    /// <summary>Submits the continuation once every member has ended, unless it was submitted or the batch cancelled. In a flush.</summary>
    private async Task SubmitContinuationIfDueAsync()
    {
        if (Batch.Continuation is not { } continuation || Batch.ContinuationSubmitted || Batch.Cancelled || !AllEnded()) return;
        var id = BatchIds.Continuation(Id);
        var submitted = await GrainFactory.GetGrain<IJobGrain>(id).Submit(continuation with { Payload = ContinuationPayload(continuation.Payload) });
        logger.LogInformation("Batch {BatchId} ended ({Total} members); continuation {JobId} {Submitted}", Id, Batch.Total, id, submitted.Created ? "submitted" : "was already submitted");
        Batch.ContinuationSubmitted = true;
        if (Batch.ContinuationStatus is null || !Batch.ContinuationStatus.Value.IsTerminal()) Batch.ContinuationStatus = submitted.Job.Status;
        await store.WriteStateAsync();
    }

    /// <summary><c>{ batchId, payload, members: [ { id, status, result, resultOmitted, error } ] }</c>, members in batch order.</summary>
    private string ContinuationPayload(string? ownPayload)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("batchId", Id);
            json.WritePropertyName("payload");
            if (ownPayload is null) json.WriteNullValue(); else json.WriteRawValue(ownPayload);
            json.WriteStartArray("members");
            for (var i = 0; i < Batch.Total; i++)
            {
                var member = Batch.Outcomes[BatchIds.Member(Id, i)];
                json.WriteStartObject();
                json.WriteString("id", member.JobId);
                json.WriteString("status", member.Status.ToString());
                json.WritePropertyName("result");
                if (member.Result is null) json.WriteNullValue(); else json.WriteRawValue(member.Result);
                if (member.ResultOmitted) json.WriteBoolean("resultOmitted", true);
                if (member.Error is { } error)
                {
                    json.WriteStartObject("error");
                    json.WriteString("message", error.Message);
                    json.WriteString("type", error.Type);
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteNull("error");
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// The batch now: ended members as recorded, the others (and a continuation not known to have ended) as their grains
    /// report them, asked in chunks. Reads no state across its awaits but what it copied first.
    /// </summary>
    private async Task<BatchView> ViewAsync()
    {
        var ids = Enumerable.Range(0, Batch.Total).Select(i => BatchIds.Member(Id, i)).ToList();
        var counts = new Dictionary<JobStatus, int>();
        var open = new List<string>();
        foreach (var id in ids)
        {
            if (Batch.Outcomes.TryGetValue(id, out var outcome)) counts[outcome.Status] = counts.GetValueOrDefault(outcome.Status) + 1;
            else open.Add(id);
        }
        var (cancelled, createdAt, completedAt, hasContinuation) = (Batch.Cancelled, Batch.CreatedAt, Batch.CompletedAt, Batch.Continuation is not null);
        var continuationStatus = Batch.ContinuationStatus;
        var continuationId = hasContinuation ? BatchIds.Continuation(Id) : null;
        foreach (var chunk in open.Chunk(256))
        {
            foreach (var job in await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IJobGrain>(id).Get())))
            {
                // A member not found was not submitted (its batch request failed part-way): it counts as Scheduled, never ending.
                var status = job?.Status ?? JobStatus.Scheduled;
                counts[status] = counts.GetValueOrDefault(status) + 1;
            }
        }
        if (Batch.ContinuationSubmitted && continuationStatus?.IsTerminal() != true)
            continuationStatus = (await GrainFactory.GetGrain<IJobGrain>(continuationId!).Get())?.Status ?? continuationStatus;
        return new BatchView(Id, ids.Count, counts, ids, continuationId, continuationStatus, cancelled, createdAt, completedAt);
    }

    private HashSet<string> Members() =>
        Batch.Total == 0 ? [] : _members ??= Enumerable.Range(0, Batch.Total).Select(i => BatchIds.Member(Id, i)).ToHashSet();

    /// <summary>
    /// Queues a change (true if it changed the state) and returns once it is stored. Changes are applied between writes
    /// and stored together, so a thousand members ending at once cost a few writes of the batch, not a thousand.
    /// </summary>
    private Task ChangeAsync(Func<bool> change)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queued.Add((change, stored));
        _flushing ??= FlushAsync();
        return stored.Task;
    }

    /// <summary>
    /// Applies the queued changes and writes them, while there are any; then submits the continuation if it is due. A
    /// failed write leaves this activation ahead of storage: it is dropped, so that the next call reads what is stored
    /// (the callers' failures make their senders tell it again).
    /// </summary>
    private async Task FlushAsync()
    {
        await Task.Yield(); // lets the calls that arrive together queue up
        while (_queued.Count > 0)
        {
            var changes = _queued.ToList();
            _queued.Clear();
            try
            {
                var changed = false;
                foreach (var (change, _) in changes) changed |= change();
                if (Batch.CompletedAt is null && AllEnded()) Batch.CompletedAt = time.GetUtcNow();
                if (changed) await store.WriteStateAsync();
                await SubmitContinuationIfDueAsync();
                foreach (var (_, stored) in changes) stored.SetResult();
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Batch {BatchId} could not store {Count} changes; reloading it", Id, changes.Count);
                foreach (var (_, stored) in changes.Concat(_queued)) stored.TrySetException(ex);
                _queued.Clear();
                DeactivateOnIdle();
            }
        }
        _flushing = null;
    }
}
