using Orleans.Dashboard;

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
        app.MapOrleansDashboard(DashboardAssets.Prefix);
        app.MapDashboardAssets();
        return app;
    }
}
