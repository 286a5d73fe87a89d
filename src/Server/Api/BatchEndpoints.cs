using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrleansJobs.Api;
using OrleansJobs.Batches;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Auth;
using OrleansJobs.Server.Hosting;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Batches: many jobs submitted as one, tracked together, and an optional continuation that runs once all of them
/// have ended, with their outcomes in its payload (README, "Batches and dependencies").
/// </summary>
public static class BatchEndpoints
{
    private const int SubmitChunk = 64;

    public static IEndpointRouteBuilder MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        var batches = app.MapGroup("/api/batches").WithTags("Batches");
        batches.MapPost("/", SubmitAsync);
        batches.MapGet("/{id}", GetAsync);
        batches.MapPost("/{id}/cancel", CancelAsync);
        return app;
    }

    /// <summary>
    /// Submits the members (ids derived from the batch id), then seals the batch. A request that fails part-way leaves
    /// the members it submitted running; repeating it with the same Idempotency-Key submits the rest and seals the batch.
    /// It passes the submit backpressure as single submits do, counted as the <see cref="SubmitChunk"/> submits it has in
    /// flight at once.
    /// </summary>
    private static async Task<IResult> SubmitAsync(HttpRequest request, IGrainFactory grains, JobHandlerRegistry registry, OrleansJobs.Placement.JobTypeCatalog cluster,
        JobRunner runner, SubmitBackpressure backpressure, IOptions<JobServiceOptions> options, IOptionsMonitor<HttpJobOptions> outbound, TimeProvider time,
        ApiPaths paths, JobVisibility visibility, JobCaller caller)
    {
        if (runner.Draining) return JobEndpoints.Unavailable("The silo is shutting down; submit to another silo or retry shortly.");
        using var permit = backpressure.TryAdmit(SubmitChunk, out var refused);
        if (permit is null) return refused!;
        var span = Activity.Current; // the request's, before grain calls (see JobOperations.SubmitAsync)
        var body = await JobEndpoints.ReadBodyAsync(request, BatchRequestParser.MaxBodyBytes);
        if (body is null)
            return TypedResults.Problem($"The batch body is larger than {BatchRequestParser.MaxBodyBytes} bytes; split it into several batches.",
                statusCode: StatusCodes.Status413PayloadTooLarge, title: "Batch too large");

        var key = request.Headers["Idempotency-Key"].FirstOrDefault();
        if (key is { Length: 0 or > SubmitRequestParser.MaxKeyLength })
            return ApiProblems.Validation("idempotencyKey", $"The Idempotency-Key header must be 1 to {SubmitRequestParser.MaxKeyLength} characters long.");
        var parsed = new BatchRequestParser(new SubmitRequestParser(registry, options.Value, outbound.CurrentValue, cluster)).Parse(body,
            request.Headers[CorrelationIds.Header].FirstOrDefault() ?? CorrelationIds.Of(request.HttpContext),
            span?.Id ?? request.Headers.TraceParent.FirstOrDefault(),
            span?.TraceStateString ?? request.Headers.TraceState.FirstOrDefault());
        if (parsed.PayloadTooLarge is { } tooLarge)
            return TypedResults.Problem(tooLarge, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload too large");
        if (parsed.MalformedJson is { } malformed) return ApiProblems.BadRequest("The body is not valid JSON.", malformed);
        if (parsed.Errors.Count > 0) return TypedResults.ValidationProblem(parsed.Errors, title: "The batch is invalid.");
        var members = parsed.Jobs!.Select(m => m with { Owner = caller.Owner }).ToList();
        if (await Dependencies.CheckAsync(visibility, members, caller, options.Value.MaxDependents, batch: true) is { Count: > 0 } unknown)
            return TypedResults.ValidationProblem(unknown, title: "The batch is invalid.");

        var id = key is null ? BatchIds.New() : BatchIds.FromIdempotencyKey(key, caller.Owner);
        var batch = grains.GetGrain<IBatchGrain>(id);
        if (await batch.Get() is { } existing)
        {
            request.HttpContext.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Accepted(paths.Location(request, $"batches/{id}"), BatchResponse.From(existing));
        }
        for (var start = 0; start < members.Count; start += SubmitChunk)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(SubmitChunk, members.Count - start))
                .Select(i => grains.GetGrain<IJobGrain>(BatchIds.Member(id, i)).Submit(members[i] with { BatchId = id })));
        }
        var created = await batch.Create(members.Count, parsed.Continuation is { } continuation ? continuation with { BatchId = id, Owner = caller.Owner } : null, time.GetUtcNow());
        span?.SetTag("batch.id", id);
        return TypedResults.Accepted(paths.Location(request, $"batches/{id}"), BatchResponse.From(created));
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains, JobVisibility visibility, JobCaller caller)
    {
        if (!await VisibleAsync(id, visibility, caller)) return ApiProblems.BatchNotFound(id);
        return await grains.GetGrain<IBatchGrain>(id).Get() is { } batch ? TypedResults.Ok(BatchResponse.From(batch)) : ApiProblems.BatchNotFound(id);
    }

    private static async Task<IResult> CancelAsync(string id, IGrainFactory grains, JobVisibility visibility, JobCaller caller)
    {
        if (!await VisibleAsync(id, visibility, caller)) return ApiProblems.BatchNotFound(id);
        return await grains.GetGrain<IBatchGrain>(id).Cancel() is { } batch ? TypedResults.Ok(BatchResponse.From(batch)) : ApiProblems.BatchNotFound(id);
    }

    // A batch has at least one member, and all its jobs have its submitter as owner: the first one stands for the batch.
    private static async Task<bool> VisibleAsync(string id, JobVisibility visibility, JobCaller caller) =>
        BatchIds.IsValid(id) && await visibility.MaySeeAsync(BatchIds.Member(id, 0), caller);
}
