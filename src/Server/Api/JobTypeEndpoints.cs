using OrleansJobs.Api;
using OrleansJobs.Handlers;
using OrleansJobs.Placement;
using OrleansJobs.Workers;

namespace OrleansJobs.Server.Api;

/// <summary>
/// The job types the cluster can run: <c>GET /api/job-types</c> lists each type that a live silo serves, with those
/// silos, as the silos' grain manifests announce them (<see cref="JobTypeCatalog"/>), and whether external workers run
/// it. A submit of any other type is a 400. <c>PUT /api/job-types/{type}</c> with <c>{"external": true}</c> makes a type
/// external on every silo (stored once for the cluster, <see cref="IExternalJobTypesGrain"/>; other silos follow within
/// the settings refresh interval), and <c>{"external": false}</c> takes that back. A type with an in-process handler on
/// a live silo is refused (409), and so is taking back a type that this silo's configuration makes external.
/// </summary>
public static class JobTypeEndpoints
{
    private const int MaxBody = 4 * 1024;

    public static IEndpointRouteBuilder MapJobTypeEndpoints(this IEndpointRouteBuilder app)
    {
        var types = app.MapGroup("/api/job-types").WithTags("Job types");
        types.MapGet("/", (JobTypeCatalog catalog, ExternalJobTypes external) =>
            TypedResults.Ok(new JobTypeListResponse([.. catalog.All().Select(t => Response(t.Key, t.Value, external))])));
        types.MapPut("/{type}", PutAsync);
        return app;
    }

    private static async Task<IResult> PutAsync(string type, HttpRequest request, JobTypeCatalog catalog, ExternalJobTypes external, IGrainFactory grains)
    {
        if (!JobHandlerRegistry.IsValidTypeName(type))
            return ApiProblems.Validation("type", $"Use 1 to {JobHandlerRegistry.MaxTypeLength} lowercase letters, digits, '-', '.' or '_'.");
        var (body, refusal) = await WorkerRequestFields.ReadAsync(request, MaxBody);
        if (refusal is not null) return refusal;
        var fields = new WorkerRequestFields(body!, ["external"]);
        var wanted = fields.Bool("external");
        if (fields.Refusal() is { } invalid) return invalid;
        if (wanted is not { } makeExternal) return ApiProblems.Validation("external", "Required: true or false.");

        if (makeExternal && !external.Contains(type) && catalog.SilosServing(type) is { Count: > 0 } handlers)
            return ApiProblems.JobTypeConflict(type,
                $"Silos {string.Join(", ", handlers.Select(s => s.Name))} run it with an in-process handler; remove the handler first, as a type is run one way only.");
        if (!makeExternal && external.IsConfigured(type))
            return ApiProblems.JobTypeConflict(type, "This silo's configuration (OrleansJobs:Workers:Types) makes it external; remove it there.");
        if (!await grains.GetGrain<IExternalJobTypesGrain>(0).Set(type, makeExternal))
            return ApiProblems.JobTypeConflict(type, $"{IExternalJobTypesGrain.MaxTypes} types are declared external already; take one back first.");
        external.Changed(type, makeExternal);
        return TypedResults.Ok(Response(type, catalog.SilosServing(type), external));
    }

    private static JobTypeResponse Response(string type, IReadOnlyList<ServingSilo> silos, ExternalJobTypes external) =>
        new(type, [.. silos.Select(s => new JobTypeSiloResponse(s.Id, s.Name))], external.Contains(type));
}
