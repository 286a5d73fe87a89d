using Orleans.Runtime;
using OrleansJobs.Api;

namespace OrleansJobs.Server.Api;

/// <summary>
/// <c>GET /api/silos</c>: the silos alive, from this silo's view of cluster membership (no grain call, no database
/// read), for the console's overview and for operators.
/// </summary>
public static class SiloEndpoints
{
    public static IEndpointRouteBuilder MapSiloEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/silos").WithTags("Silos").MapGet("/", (IClusterMembershipService membership) =>
            TypedResults.Ok(new SiloListResponse([.. membership.CurrentSnapshot.Members.Values
                .Where(m => m.Status != SiloStatus.Dead)
                .OrderBy(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal)
                .Select(m => new SiloResponse(m.SiloAddress.ToParsableString(), m.Name, m.Status.ToString()))])));
        return app;
    }
}
