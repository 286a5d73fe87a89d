using System.Diagnostics;
using System.Text.Json;
using OrleansJobs.Api;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Auth;
using OrleansJobs.Server.Hosting;
using OrleansJobs.Storage;

namespace OrleansJobs.Server.Api;

/// <summary>The v1 jobs API (the README's "Using the API" walks through it). Every error is problem details (<see cref="ApiProblems"/>).</summary>
public static class JobEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromMinutes(2);
    private const int MaxSearchLength = 200;
    private const int MaxDeleteIds = 500;

    public static IEndpointRouteBuilder MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync);
        jobs.MapGet("/", ListAsync);
        jobs.MapGet("/{id}", GetAsync);
        jobs.MapPost("/{id}/cancel", CancelAsync);
        jobs.MapPost("/{id}/retry", RetryAsync);
        jobs.MapPost("/delete", DeleteFailedAsync);
        return app;
    }

    // The submit itself is JobOperations', which the in-process IJobClient runs too; what is left here is HTTP's.
    private static async Task<IResult> SubmitAsync(HttpRequest request, JobOperations jobs, SubmitBackpressure backpressure, ApiPaths paths, JobCaller caller, string? wait = null)
    {
        // A draining silo refuses before the wait is looked at (JobOperations.CheckAsync asks again for its other callers).
        if (jobs.Closed() is { } closed) return closed;
        TimeSpan? waitFor = null;
        if (wait is not null)
        {
            if (!DurationParser.TryParse(wait, out var parsed) || parsed > MaxWait)
                return ApiProblems.Validation("wait", $"'{wait}' is not a duration up to {MaxWait} (ISO-8601 like PT5S, or hh:mm:ss, or seconds like 5s).");
            waitFor = parsed;
        }

        SubmitResult submitted;
        // The permit covers reading, checking and submitting; it is given back before the wait.
        using (var permit = backpressure.TryAdmit(1, out var refused))
        {
            if (permit is null) return refused!;
            var body = await ReadBodyAsync(request, jobs.MaxBodyBytes);
            var (spec, refusal) = await jobs.CheckAsync(body,
                request.Headers["Idempotency-Key"].FirstOrDefault(),
                // The header as sent (so that a bad one is refused), else the id the request was given.
                request.Headers[CorrelationIds.Header].FirstOrDefault() ?? CorrelationIds.Of(request.HttpContext),
                Activity.Current?.Id ?? request.Headers.TraceParent.FirstOrDefault(),
                Activity.Current?.TraceStateString ?? request.Headers.TraceState.FirstOrDefault(), caller);
            if (refusal is not null) return refusal;
            if (spec!.CorrelationId is { } correlationId) CorrelationIds.Set(request.HttpContext, correlationId);

            // A draining silo or unreachable storage throws JobServiceUnavailableException: UnavailableExceptionHandler answers 503.
            submitted = await jobs.SubmitAsync(spec, CancellationToken.None);
        }
        var job = waitFor is { } total ? await jobs.WaitAsync(submitted.Job, total, request.HttpContext.RequestAborted) : submitted.Job;
        if (!submitted.Created) request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
        return waitFor is not null && job.Status.IsTerminal()
            ? TypedResults.Ok(JobResponse.From(job))
            : TypedResults.Accepted(paths.Location(request, $"jobs/{job.Id}"), JobResponse.From(job));
    }

    private static async Task<IResult> GetAsync(string id, JobOperations jobs, JobCaller caller)
    {
        var (job, refusal) = await jobs.GetAsync(id, caller);
        return refusal ?? TypedResults.Ok(JobResponse.From(job!));
    }

    /// <summary>
    /// A page of jobs, newest first. Payloads and results (each up to <c>MaxPayloadBytes</c>) are left out unless
    /// <c>?include=payload,result</c> asks for them, so that a page of 500 is bounded by its metadata, not its data.
    /// </summary>
    private static async Task<IResult> ListAsync(IJobStore store, JobCaller caller, string? status = null, string? queue = null, string? type = null, string? limit = null, string? cursor = null,
        string? from = null, string? to = null, string? search = null, string? include = null, string? label = null)
    {
        var (withPayload, withResult) = (false, false);
        foreach (var part in (include ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.Equals("payload", StringComparison.OrdinalIgnoreCase)) withPayload = true;
            else if (part.Equals("result", StringComparison.OrdinalIgnoreCase)) withResult = true;
            else return ApiProblems.Validation("include", $"'{part}' cannot be included; use payload, result or both (include=payload,result).");
        }
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
        if (!TryTime(from, out var createdFrom)) return ApiProblems.Validation("from", $"'{from}' is not a date and time (ISO-8601, such as 2026-01-31T12:00:00Z).");
        if (!TryTime(to, out var createdTo)) return ApiProblems.Validation("to", $"'{to}' is not a date and time (ISO-8601, such as 2026-01-31T12:00:00Z).");
        if (search is { Length: > MaxSearchLength }) return ApiProblems.Validation("search", $"search is at most {MaxSearchLength} characters.");
        if (label is not null && JobLabels.Problem(label) is { } badLabel) return ApiProblems.Validation("label", badLabel);
        try
        {
            var page = await store.ListAsync(new JobQuery(statusFilter, queue, type, pageSize, cursor, createdFrom, createdTo,
                string.IsNullOrWhiteSpace(search) ? null : search.Trim(), caller.ListedOwner, label));
            return TypedResults.Ok(new JobListResponse(page.Items.Select(JobResponse.From)
                .Select(job => job with { Payload = withPayload ? job.Payload : null, Result = withResult ? job.Result : null })
                .ToList(), page.NextCursor));
        }
        catch (InvalidCursorException ex)
        {
            return ApiProblems.Validation("cursor", ex.Message);
        }
    }

    private static bool TryTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (text is null) return true;
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        time = parsed;
        return true;
    }

    private static async Task<IResult> CancelAsync(string id, JobOperations jobs, JobCaller caller)
    {
        var (job, refusal) = await jobs.CancelAsync(id, caller);
        return refusal ?? TypedResults.Ok(JobResponse.From(job!));
    }

    private static async Task<IResult> RetryAsync(string id, JobOperations jobs, ApiPaths paths, HttpRequest request, JobCaller caller)
    {
        var (job, refusal) = await jobs.RetryAsync(id, caller);
        return refusal ?? TypedResults.Accepted(paths.Location(request, $"jobs/{id}"), JobResponse.From(job!));
    }

    // Deletes the listed jobs that are Failed (the dead-letter view's bulk delete): {"ids": ["job_…", …]}, at most MaxDeleteIds.
    private static async Task<IResult> DeleteFailedAsync(HttpRequest request, IJobStore store, IGrainFactory grains, ILoggerFactory loggers,
        JobCaller caller, JobVisibility visibility)
    {
        const string shape = "Send {\"ids\": [\"<job id>\", …]} with 1 to 500 job ids.";
        var body = await ReadBodyAsync(request, 64 * 1024);
        if (body is null) return ApiProblems.Validation("ids", shape);
        List<string> ids;
        try
        {
            using var document = RequestJson.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("ids", out var list)
                || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > MaxDeleteIds
                || list.EnumerateArray().Any(id => id.ValueKind != JsonValueKind.String))
                return ApiProblems.Validation("ids", shape);
            ids = [.. list.EnumerateArray().Select(id => id.GetString()!).Distinct()];
        }
        catch (JsonException)
        {
            return ApiProblems.Validation("ids", shape);
        }
        // Another owner's job is left alone and listed as not deleted, exactly as a missing one is.
        var mine = new List<string>(ids.Count);
        foreach (var id in ids.Where(JobIds.IsValid))
            if (await visibility.MaySeeAsync(id, caller)) mine.Add(id);
        var deleted = await store.DeleteFailedAsync(mine);
        await DeletedJobs.ForgetAsync(grains, deleted, loggers.CreateLogger("OrleansJobs.Api"));
        var deletedIds = deleted.Select(job => job.Id).ToList();
        return TypedResults.Ok(new JobDeleteResponse(deletedIds, [.. ids.Except(deletedIds)]));
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
