using OrleansJobs.Api;
using OrleansJobs.Placement;

namespace OrleansJobs.Server.Api;

/// <summary>
/// The job types the cluster can run: <c>GET /api/job-types</c> lists each type that a live silo serves, with those
/// silos, as the silos' grain manifests announce them (<see cref="JobTypeCatalog"/>). A submit of any other type is a 400.
/// </summary>
public static class JobTypeEndpoints
{
    public static IEndpointRouteBuilder MapJobTypeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/job-types").WithTags("Job types").MapGet("/", (JobTypeCatalog catalog) =>
            TypedResults.Ok(new JobTypeListResponse([.. catalog.All().Select(t =>
                new JobTypeResponse(t.Key, [.. t.Value.Select(s => new JobTypeSiloResponse(s.Id, s.Name))]))])));
        return app;
    }
}
