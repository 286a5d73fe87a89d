using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using OrleansJobs.Api;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Hosting;
using OrleansJobs.Storage;

namespace OrleansJobs.Server.Api;

/// <summary>The v1 jobs API (the README's "Using the API" walks through it). Every error is problem details (<see cref="ApiProblems"/>).</summary>
public static class JobEndpoints
{
    /// <summary>Longest wait a single grain call may take: Orleans' response timeout is 30 s.</summary>
    private static readonly TimeSpan WaitSlice = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync).RequireRateLimiting(SubmitBackpressure.PolicyName);
        jobs.MapGet("/", ListAsync);
        jobs.MapGet("/{id}", GetAsync);
        jobs.MapPost("/{id}/cancel", CancelAsync);
        jobs.MapPost("/{id}/retry", RetryAsync);
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpRequest request, IGrainFactory grains, JobHandlerRegistry registry,
        JobRunner runner, NewJobIds newJobs, ApiPaths paths, IOptions<JobServiceOptions> options, IOptionsMonitor<HttpJobOptions> outbound, TimeProvider time, ILoggerFactory loggers,
        string? wait = null)
    {
        if (runner.Draining) return Unavailable("The silo is shutting down; submit to another silo or retry shortly.");
        TimeSpan? waitFor = null;
        if (wait is not null)
        {
            if (!DurationParser.TryParse(wait, out var parsed) || parsed > MaxWait)
                return ApiProblems.Validation("wait", $"'{wait}' is not a duration up to {MaxWait} (ISO-8601 like PT5S, or hh:mm:ss, or seconds like 5s).");
            waitFor = parsed;
        }

        var maxPayload = options.Value.MaxPayloadBytes;
        var body = await ReadBodyAsync(request, maxPayload + 64 * 1024);
        if (body is null) return ApiProblems.TooLarge(maxPayload);

        var parsedRequest = new SubmitRequestParser(registry, maxPayload, outbound.CurrentValue).Parse(body,
            request.Headers["Idempotency-Key"].FirstOrDefault(),
            // The header as sent (so that a bad one is refused), else the id the request was given.
            request.Headers[CorrelationIds.Header].FirstOrDefault() ?? CorrelationIds.Of(request.HttpContext),
            Activity.Current?.Id ?? request.Headers.TraceParent.FirstOrDefault(),
            Activity.Current?.TraceStateString ?? request.Headers.TraceState.FirstOrDefault());
        if (parsedRequest.IsPayloadTooLarge) return ApiProblems.TooLarge(maxPayload);
        if (parsedRequest.IsMalformedJson) return ApiProblems.BadRequest("The body is not valid JSON.", parsedRequest.Detail ?? "Malformed JSON.");
        if (!parsedRequest.IsValid) return TypedResults.ValidationProblem(parsedRequest.Errors, title: "The job submission is invalid.");
        if (await Dependencies.UnknownAsync(grains, [parsedRequest.Spec]) is { Count: > 0 } unknown)
            return TypedResults.ValidationProblem(unknown, title: "The job submission is invalid.");

        var spec = parsedRequest.Spec!;
        var id = spec.IdempotencyKey is { } key ? JobIds.FromIdempotencyKey(key) : newJobs.Create();
        if (spec.CorrelationId is { } correlationId) CorrelationIds.Set(request.HttpContext, correlationId);
        using var logScope = loggers.CreateLogger("OrleansJobs.Api").BeginScope(new Dictionary<string, object?>
        {
            ["JobId"] = id,
            ["CorrelationId"] = spec.CorrelationId,
        });
        var grain = grains.GetGrain<IJobGrain>(id);
        // A draining silo or unreachable storage throws JobServiceUnavailableException: UnavailableExceptionHandler answers 503.
        SubmitResult submitted;
        try
        {
            submitted = await grain.Submit(spec);
        }
        finally
        {
            newJobs.Forget(id);
        }

        var job = submitted.Job;
        Activity.Current?.SetTag("job.id", id);
        Activity.Current?.AddEvent(new ActivityEvent(submitted.Created ? "job.submitted" : "job.replayed", tags: new ActivityTagsCollection
        {
            ["job.id"] = id,
            ["job.type"] = spec.Type,
            ["job.status"] = job.Status.ToString(),
            ["job.run_at"] = job.ScheduledAt?.ToString("O"),
        }));
        if (!submitted.Created) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        if (waitFor is { } total && !job.Status.IsTerminal())
        {
            var deadline = time.GetUtcNow() + total;
            for (var left = total; left > TimeSpan.Zero && !job.Status.IsTerminal(); left = deadline - time.GetUtcNow())
                job = await grain.WaitForCompletion(left < WaitSlice ? left : WaitSlice) ?? job;
        }
        var location = paths.Location(request, $"jobs/{id}");
        return waitFor is not null && job.Status.IsTerminal()
            ? TypedResults.Ok(JobResponse.From(job))
            : TypedResults.Accepted(location, JobResponse.From(job));
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains)
    {
        if (!JobIds.IsValid(id)) return ApiProblems.NotFound(id);
        var job = await grains.GetGrain<IJobGrain>(id).Get();
        return job is null ? ApiProblems.NotFound(id) : TypedResults.Ok(JobResponse.From(job));
    }

    private static async Task<IResult> ListAsync(IJobStore store, string? status = null, string? queue = null, string? type = null, string? limit = null, string? cursor = null)
    {
        JobStatus? statusFilter = null;
        if (status is not null)
        {
            // Enum.TryParse also takes numbers and comma-joined names ("Queued,Running" is Succeeded): only one name may pass.
            if (!Enum.TryParse<JobStatus>(status, ignoreCase: true, out var s) || !status.Equals(s.ToString(), StringComparison.OrdinalIgnoreCase))
                return ApiProblems.Validation("status", $"'{status}' is not a status; use one of {string.Join(", ", Enum.GetNames<JobStatus>())}.");
            statusFilter = s;
        }
        var pageSize = 50;
        if (limit is not null && (!int.TryParse(limit, out pageSize) || pageSize is < 1 or > 500))
            return ApiProblems.Validation("limit", "limit is a whole number from 1 to 500.");
        try
        {
            var page = await store.ListAsync(new JobQuery(statusFilter, queue, type, pageSize, cursor));
            return TypedResults.Ok(new JobListResponse(page.Items.Select(JobResponse.From).ToList(), page.NextCursor));
        }
        catch (InvalidCursorException ex)
        {
            return ApiProblems.Validation("cursor", ex.Message);
        }
    }

    private static Task<IResult> CancelAsync(string id, IGrainFactory grains) =>
        ChangeAsync(id, grains, grain => grain.Cancel(), job => TypedResults.Ok(JobResponse.From(job)));

    private static Task<IResult> RetryAsync(string id, IGrainFactory grains, ApiPaths paths, HttpRequest request) =>
        ChangeAsync(id, grains, grain => grain.Retry(), job => TypedResults.Accepted(paths.Location(request, $"jobs/{id}"), JobResponse.From(job)));

    private static async Task<IResult> ChangeAsync(string id, IGrainFactory grains, Func<IJobGrain, Task<JobState>> change, Func<JobState, IResult> answer)
    {
        if (!JobIds.IsValid(id)) return ApiProblems.NotFound(id);
        try
        {
            return answer(await change(grains.GetGrain<IJobGrain>(id)));
        }
        catch (JobNotFoundException)
        {
            return ApiProblems.NotFound(id);
        }
        catch (JobConflictException ex)
        {
            return ApiProblems.Conflict(ex.Message, ex.Status);
        }
    }

    /// <summary>Reads the whole body, or returns null when it is longer than <paramref name="limit"/> bytes.</summary>
    internal static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit) return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    internal static IResult Unavailable(string detail) =>
        new RetryAfterResult(UnavailableExceptionHandler.RetryAfter, TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable"));
}
