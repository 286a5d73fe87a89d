using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// The probes: <c>/health/live</c> answers while the process serves requests (no checks run), <c>/health/ready</c>
/// only while the job store answers, the silo is not draining and its start-up warm-up is over (<see cref="ReadinessCheck"/>,
/// <see cref="StartupWarmUp"/>), so that a balancer sends work only where it can be kept, and kept fast.
/// </summary>
public static class JobHealthExtensions
{
    private const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddJobHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("storage", tags: [ReadyTag]);
        builder.Services.AddOptions<WarmUpOptions>().BindConfiguration(WarmUpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<StartupWarmUp>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StartupWarmUp>());
        return builder;
    }

    public static IEndpointRouteBuilder MapJobHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }
}
