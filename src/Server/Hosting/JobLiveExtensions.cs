using OrleansJobs.Server.Live;

namespace OrleansJobs.Server.Hosting;

/// <summary>Watching jobs live: the SignalR hub and the server-sent events, both fed by one <see cref="JobWatchRegistry"/>.</summary>
public static class JobLiveExtensions
{
    public const string HubPath = "/hubs/jobs";

    public static IHostApplicationBuilder AddJobLive(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSignalR();
        builder.Services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<JobWatchRegistry>();
        builder.Services.AddSingleton<HubSubscriptions>();
        return builder;
    }

    /// <summary>Maps <c>GET /api/jobs/{id}/events</c> (SSE) and the hub at <see cref="HubPath"/>.</summary>
    public static IEndpointRouteBuilder MapJobLive(this IEndpointRouteBuilder app)
    {
        app.MapJobEventStream();
        app.MapHub<JobsHub>(HubPath);
        return app;
    }
}
