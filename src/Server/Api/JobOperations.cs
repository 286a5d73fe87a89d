using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Jobs;
using OrleansJobs.Placement;
using OrleansJobs.Server.Auth;
using OrleansJobs.Workers;

namespace OrleansJobs.Server.Api;

/// <summary>
/// What the jobs API does with a job, apart from HTTP: submit (the whole of <c>POST /api/jobs</c> behind its
/// backpressure: validation, dependencies, the job's id, the grain's <c>Submit</c>; then the wait), read, cancel and retry.
/// <see cref="JobEndpoints"/> answers requests with it and <see cref="InProcess.InProcessJobClient"/> serves the
/// application's own code with it, so the two cannot behave differently. A refusal is the problem answer the API
/// sends (built by <see cref="ApiProblems"/>); the endpoint returns it, the in-process client throws it as the HTTP
/// client's exception. Failures that mean "try again later" (a draining silo, unreachable storage) are thrown, as
/// before, for <see cref="Hosting.UnavailableExceptionHandler"/> or the in-process client to turn into a 503.
/// </summary>
internal sealed class JobOperations(
    IGrainFactory grains, JobHandlerRegistry registry, ExternalJobTypes external, JobTypeCatalog cluster, JobRunner runner, NewJobIds newJobs, IOptions<JobServiceOptions> options,
    IOptionsMonitor<HttpJobOptions> outbound, TimeProvider time, ILoggerFactory loggers, JobVisibility visibility)
{
    /// <summary>Longest wait a single grain call may take: Orleans' response timeout is 30 s.</summary>
    public static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(20);

    private const string InvalidTitle = "The job submission is invalid.";

    /// <summary>The longest submit body taken: the payload limit, and room for the other fields.</summary>
    public int MaxBodyBytes => options.Value.MaxPayloadBytes + 64 * 1024;

    /// <summary>The 503 of a draining silo, which takes no submits; null while it takes them.</summary>
    public IResult? Closed() =>
        runner.Draining ? JobEndpoints.Unavailable("The silo is shutting down; submit to another silo or retry shortly.") : null;

    /// <summary>
    /// Checks a submit before anything is stored: the silo takes submits, <paramref name="body"/> (null when it was
    /// longer than <see cref="MaxBodyBytes"/>) is a valid job with the header values as
    /// <see cref="SubmitRequestParser.Parse(ReadOnlyMemory{byte}, string?, string?, string?, string?)"/> takes them,
    /// and every job it depends on exists for <paramref name="caller"/>. Returns the job to submit, owned by the
    /// caller, or the refusal.
    /// </summary>
    public async Task<(JobSpec? Spec, IResult? Refusal)> CheckAsync(
        byte[]? body, string? idempotencyKey, string? correlationId, string? traceParent, string? traceState, JobCaller caller)
    {
        if (Closed() is { } closed) return (null, closed);
        var maxPayload = options.Value.MaxPayloadBytes;
        if (body is null || body.Length > MaxBodyBytes) return (null, ApiProblems.TooLarge(maxPayload));

        var parsed = new SubmitRequestParser(registry, options.Value, outbound.CurrentValue, cluster).Parse(body, idempotencyKey, correlationId, traceParent, traceState);
        if (parsed.IsPayloadTooLarge) return (null, ApiProblems.TooLarge(maxPayload));
        if (parsed.IsMalformedJson) return (null, ApiProblems.BadRequest("The body is not valid JSON.", parsed.Detail ?? "Malformed JSON."));
        if (!parsed.IsValid) return (null, TypedResults.ValidationProblem(parsed.Errors, title: InvalidTitle));
        if (await CheckElsewhereAsync(parsed.Spec) is { Count: > 0 } payloadErrors)
            return (null, TypedResults.ValidationProblem(payloadErrors, title: InvalidTitle));
        if (await Dependencies.CheckAsync(visibility, [parsed.Spec], caller, options.Value.MaxDependents) is { Count: > 0 } unknown)
            return (null, TypedResults.ValidationProblem(unknown, title: InvalidTitle));
        return (parsed.Spec with { Owner = caller.Owner }, null);
    }

    /// <summary>
    /// Submits a job <see cref="CheckAsync"/> passed, under the id its idempotency key maps to (so a replay reaches the
    /// first job's grain and gets that job back) or a fresh one, and notes it on the current activity. A caller that
    /// waits for the job calls <see cref="WaitAsync"/> after giving back its submit permit.
    /// <paramref name="cancellationToken"/> gives up on the answer, never on the job.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(JobSpec spec, CancellationToken cancellationToken)
    {
        // The caller's span, taken before the grain call: Orleans' call tracing may leave its own (ended) client span as
        // the current activity when the call returns, and the submit's tags belong on the caller's.
        var span = Activity.Current;
        var id = spec.IdempotencyKey is { } key ? JobIds.FromIdempotencyKey(key, spec.Owner) : newJobs.Create();
        using var logScope = loggers.CreateLogger("OrleansJobs.Api").BeginScope(new Dictionary<string, object?>
        {
            ["JobId"] = id,
            ["CorrelationId"] = spec.CorrelationId,
        });
        SubmitResult submitted;
        try
        {
            // A draining silo or unreachable storage throws JobServiceUnavailableException.
            using (JobTypeHint.Set(id, spec.Type))
                submitted = await grains.GetGrain<IJobGrain>(id).Submit(spec).WaitAsync(cancellationToken);
        }
        finally
        {
            newJobs.Forget(id);
        }

        var job = submitted.Job;
        span?.SetTag("job.id", id);
        span?.AddEvent(new ActivityEvent(submitted.Created ? "job.submitted" : "job.replayed", tags: new ActivityTagsCollection
        {
            ["job.id"] = id,
            ["job.type"] = spec.Type,
            ["job.status"] = job.Status.ToString(),
            ["job.run_at"] = job.ScheduledAt?.ToString("O"),
        }));
        return submitted;
    }

    /// <summary>
    /// A payload of a type this silo has no handler for is checked by a silo that has one (<see cref="IJobTypeGrain"/>),
    /// with the same errors; none for a type served here, which the parser checked, or run by external workers (whose
    /// payloads are theirs to check).
    /// </summary>
    private async Task<IDictionary<string, string[]>?> CheckElsewhereAsync(JobSpec spec)
    {
        if (registry.IsKnown(spec.Type) || external.Contains(spec.Type)) return null;
        return await grains.GetGrain<IJobTypeGrain>(spec.Type).CheckPayload(spec.Payload)
               ?? new Dictionary<string, string[]> { ["type"] = [SubmitRequestParser.UnservedType(spec.Type, registry, cluster)] };
    }

    /// <summary>
    /// Waits up to <paramref name="total"/> (<see cref="Timeout.InfiniteTimeSpan"/>: for as long as it takes) for
    /// <paramref name="job"/> to finish, on its grain, in calls of at most <see cref="WaitSlice"/>; returns it as last
    /// seen. <paramref name="cancellationToken"/> ends the wait, not the job.
    /// </summary>
    public async Task<JobState> WaitAsync(JobState job, TimeSpan total, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IJobGrain>(job.Id);
        var now = time.GetUtcNow();
        var deadline = total == Timeout.InfiniteTimeSpan || total >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + total;
        for (var left = deadline - now; left > TimeSpan.Zero && !job.Status.IsTerminal(); left = deadline - time.GetUtcNow())
            job = await grain.WaitForCompletion(left < WaitSlice ? left : WaitSlice).WaitAsync(cancellationToken) ?? job;
        return job;
    }

    /// <summary>The job, or the 404 when no job has the id or <paramref name="caller"/> may not see it.</summary>
    public async Task<(JobState? Job, IResult? Refusal)> GetAsync(string id, JobCaller caller)
    {
        var job = await visibility.VisibleAsync(id, caller);
        return job is null ? (null, ApiProblems.NotFound(id)) : (job, null);
    }

    /// <summary>Cancels the job; a 404 when no job has the id, a 409 naming its status when it has finished.</summary>
    public Task<(JobState? Job, IResult? Refusal)> CancelAsync(string id, JobCaller caller) => ChangeAsync(id, caller, grain => grain.Cancel());

    /// <summary>Runs a failed or cancelled job again; a 404 when no job has the id, a 409 naming its status otherwise.</summary>
    public Task<(JobState? Job, IResult? Refusal)> RetryAsync(string id, JobCaller caller) => ChangeAsync(id, caller, grain => grain.Retry());

    private async Task<(JobState? Job, IResult? Refusal)> ChangeAsync(string id, JobCaller caller, Func<IJobGrain, Task<JobState>> change)
    {
        if (!JobIds.IsValid(id)) return (null, ApiProblems.NotFound(id));
        if (!await visibility.MaySeeAsync(id, caller)) return (null, ApiProblems.NotFound(id));
        try
        {
            return (await change(grains.GetGrain<IJobGrain>(id)), null);
        }
        catch (JobNotFoundException)
        {
            return (null, ApiProblems.NotFound(id));
        }
        catch (JobConflictException ex)
        {
            return (null, ApiProblems.Conflict(ex.Message, ex.Status));
        }
    }
}
