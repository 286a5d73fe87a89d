using Microsoft.Extensions.Options;
using OrleansJobs.Server.Api;
using OrleansJobs.Server.Auth;
using OrleansJobs.Server.WebConsole;
using OrleansJobs.Server.Hosting;
using OrleansJobs.Server.Live;
using OrleansJobs.Server.Telemetry;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps what <see cref="Microsoft.Extensions.Hosting.OrleansJobsHostingExtensions.AddOrleansJobs"/> added.</summary>
public static class OrleansJobsEndpointExtensions
{
    /// <summary>
    /// Maps the job service under <paramref name="prefix"/> (none by default): the HTTP API at <c>{prefix}/api</c>
    /// (jobs, schedules, queues, batches; server-sent events at <c>{prefix}/api/jobs/{id}/events</c>), the SignalR hub
    /// at <c>{prefix}/hubs/jobs</c>, the jobs console at <c>{prefix}/console</c>, <c>{prefix}/health/live</c> and <c>{prefix}/health/ready</c>, the OpenAPI document,
    /// <c>{prefix}/metrics</c> and the Orleans dashboard when they are on.
    /// <para>
    /// The API's own middleware (correlation ids, problem details for errors, the hub's included, submit backpressure)
    /// covers the paths under <paramref name="prefix"/>, or the whole application when there is none (the standalone silo).
    /// </para>
    /// <para>
    /// Every endpoint needs an API key with the scope of what it does (<see cref="JobScopes"/>), except the health
    /// endpoints; while no key exists, a service that listens on loopback alone serves anonymous callers (SECURITY.md).
    /// </para>
    /// Returns the group of endpoints, for conventions such as <c>RequireAuthorization</c>.
    /// </summary>
    public static RouteGroupBuilder MapOrleansJobs(this WebApplication app, string prefix = "")
    {
        PathString under = prefix is "" or "/" ? PathString.Empty : new PathString(prefix.TrimEnd('/'));
        var paths = app.Services.GetRequiredService<ApiPaths>();
        paths.MapUnder(under);
        void UseMiddleware(IApplicationBuilder pipeline) =>
            pipeline.UseJobApi(paths.Api).UseHubProblemDetails(under.Add(JobLiveExtensions.HubPath));
        if (!under.HasValue) UseMiddleware(app);
        else app.UseWhen(context => context.Request.Path.StartsWithSegments(under), UseMiddleware);

        var group = app.MapGroup(under.Value ?? "");
        // Before any endpoint: every one of them, a new one included, gets the policy of its scope or explicit anonymous access.
        group.RequireJobScopes(under, app.Services.GetRequiredService<IOptions<JobAuthOptions>>().Value.OpenMetrics);
        group.MapJobApi();
        group.MapJobLive();
        group.MapJobHealth();
        group.MapJobConsole();
        if (app.Services.GetRequiredService<IOptions<JobServiceOptions>>().Value.Dashboard) group.MapJobDashboard();
        group.MapOpenApi();
        group.MapSiloTelemetry();
        return group;
    }
}
