using Orleans.Dashboard;
using Orleans.Runtime;

namespace OrleansJobs.Server.Hosting;

/// <summary>The Orleans dashboard, fed by <see cref="DashboardMetrics"/> and with its assets served by <see cref="DashboardAssets"/>.</summary>
public static class JobDashboardExtensions
{
    public static ISiloBuilder AddJobDashboard(this ISiloBuilder silo)
    {
        DashboardMetrics.AddDashboard(silo);
        DashboardAssets.ServeOnDemand(silo.Services);
        return silo;
    }

    /// <summary>Maps the dashboard at <see cref="DashboardAssets.Prefix"/>; needs <see cref="AddJobDashboard"/> on the silo.</summary>
    public static IEndpointRouteBuilder MapJobDashboard(this IEndpointRouteBuilder app)
    {
        // The dashboard's silo routes (SiloCounters/{*address}, HistoricalStats/{*path}, …) throw on an address that is
        // not one: they answer 404 instead, as for a silo that is not there.
        var dashboard = app.MapGroup("");
        dashboard.AddEndpointFilter(RefuseBadSiloAddressAsync);
        dashboard.MapOrleansDashboard(DashboardAssets.Prefix);
        app.MapDashboardAssets();
        return app;
    }

    private static async ValueTask<object?> RefuseBadSiloAddressAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var route = context.HttpContext.Request.RouteValues;
        foreach (var name in (string[])["address", "path"])
        {
            if (route.TryGetValue(name, out var value) && value is string address && !IsSiloAddress(address))
                return TypedResults.Problem($"No silo has the address '{address}'.", statusCode: StatusCodes.Status404NotFound, title: "Silo not found");
        }
        return await next(context);
    }

    private static bool IsSiloAddress(string text)
    {
        try
        {
            SiloAddress.FromParsableString(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
