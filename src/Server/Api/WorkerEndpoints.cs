using Microsoft.Extensions.Options;
using OrleansJobs.Api;
using OrleansJobs.Jobs;
using OrleansJobs.Workers;
using JobLease = OrleansJobs.Client.JobLease;
using WorkerHeartbeat = OrleansJobs.Client.WorkerHeartbeat;

namespace OrleansJobs.Server.Api;

/// <summary>
/// External workers (the README's "Workers in any language"): <c>POST /api/workers/lease</c> long-polls for jobs of
/// the worker's types, and the lease's <c>heartbeat</c>, <c>complete</c> and <c>fail</c> report on each. A lease that is
/// no longer the job's open attempt answers 409 and changes nothing. All of it needs the <c>worker</c> scope.
/// </summary>
public static class WorkerEndpoints
{
    public const int MaxJobsPerLease = 100;
    public const int MaxTypesPerLease = 50;
    public const int MaxNameLength = 200;
    public const int MaxMessageLength = 4000;
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan MinLease = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxLease = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);

    private const int MaxSmallBody = 64 * 1024;

    public static IEndpointRouteBuilder MapWorkerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/workers").WithTags("Workers").MapPost("/lease", LeaseAsync);
        var lease = app.MapGroup("/api/jobs/{id}/lease/{leaseId}").WithTags("Workers");
        lease.MapPost("/heartbeat", HeartbeatAsync);
        lease.MapPost("/complete", CompleteAsync);
        lease.MapPost("/fail", FailAsync);
        return app;
    }

    private static async Task<IResult> LeaseAsync(HttpRequest request, WorkerLeases leases, ExternalJobTypes external)
    {
        var (body, refusal) = await WorkerRequestFields.ReadAsync(request, MaxSmallBody);
        if (refusal is not null) return refusal;
        var fields = new WorkerRequestFields(body!, ["worker", "types", "max", "wait", "lease"]);
        var worker = fields.Name("worker", required: true);
        var types = fields.Types(external);
        var max = fields.Int("max", 1, MaxJobsPerLease) ?? 1;
        var wait = fields.Duration("wait", TimeSpan.Zero, MaxWait) ?? TimeSpan.Zero;
        var lease = fields.Duration("lease", MinLease, MaxLease) ?? DefaultLease;
        if (fields.Refusal() is { } invalid) return invalid;
        var granted = await leases.LeaseAsync(worker!, types, max, wait, lease, request.HttpContext.RequestAborted);
        return TypedResults.Ok(new LeaseResponse([.. granted.Select(ToJobLease)]));
    }

    private static async Task<IResult> HeartbeatAsync(string id, string leaseId, HttpRequest request, IGrainFactory grains)
    {
        var (body, refusal) = await WorkerRequestFields.ReadAsync(request, MaxSmallBody);
        if (refusal is not null) return refusal;
        var fields = new WorkerRequestFields(body!, ["percent", "message", "extend"]);
        var percent = fields.Percent("percent");
        var message = fields.Text("message", MaxMessageLength);
        var extend = fields.Duration("extend", MinLease, MaxLease);
        if (fields.Refusal() is { } invalid) return invalid;
        return await OnLeaseAsync(grains, id, async grain =>
        {
            var beat = await grain.Heartbeat(leaseId, percent, message, extend);
            return TypedResults.Ok(new WorkerHeartbeat(beat.LeaseExpiresAt, beat.CancelRequested));
        });
    }

    private static async Task<IResult> CompleteAsync(string id, string leaseId, HttpRequest request, IGrainFactory grains, IOptions<JobServiceOptions> options)
    {
        var (body, refusal) = await WorkerRequestFields.ReadAsync(request, options.Value.MaxPayloadBytes + MaxSmallBody);
        if (refusal is not null) return refusal;
        var fields = new WorkerRequestFields(body!, ["result"]);
        if (fields.Refusal() is { } invalid) return invalid;
        var result = body!["result"]?.ToJsonString();
        return await OnLeaseAsync(grains, id, async grain =>
        {
            await grain.Complete(leaseId, result);
            return TypedResults.NoContent();
        });
    }

    private static async Task<IResult> FailAsync(string id, string leaseId, HttpRequest request, IGrainFactory grains)
    {
        var (body, refusal) = await WorkerRequestFields.ReadAsync(request, MaxSmallBody);
        if (refusal is not null) return refusal;
        var fields = new WorkerRequestFields(body!, ["error", "retryable"]);
        var error = fields.Text("error", MaxMessageLength, required: true);
        var retryable = fields.Bool("retryable") ?? true;
        if (fields.Refusal() is { } invalid) return invalid;
        return await OnLeaseAsync(grains, id, async grain =>
        {
            await grain.Fail(leaseId, error!, retryable);
            return TypedResults.NoContent();
        });
    }

    private static JobLease ToJobLease(LeaseGrant lease) =>
        new(lease.JobId, lease.Type, JobResponse.Json(lease.Payload), lease.Attempt, lease.LeaseId, lease.LeaseExpiresAt, lease.TraceParent, lease.CorrelationId);

    /// <summary>Calls the job's grain about a lease; a 404 when no job has the id, a 409 when the lease no longer holds it.</summary>
    private static async Task<IResult> OnLeaseAsync(IGrainFactory grains, string id, Func<IJobLeaseGrain, Task<IResult>> call)
    {
        if (!JobIds.IsValid(id)) return ApiProblems.NotFound(id);
        try
        {
            return await call(grains.GetGrain<IJobLeaseGrain>(id));
        }
        catch (JobNotFoundException)
        {
            return ApiProblems.NotFound(id);
        }
        catch (LeaseLostException ex)
        {
            return ApiProblems.Conflict(ex.Message, ex.Status);
        }
    }
}
