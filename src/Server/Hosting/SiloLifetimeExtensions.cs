namespace OrleansJobs.Server.Hosting;

public static class SiloLifetimeExtensions
{
    /// <summary>
    /// How the silo process lives beside its jobs: at shutdown it stops taking work and gives running jobs their
    /// drain time (<see cref="JobDrainService"/>, with the host's shutdown timeout stretched to fit), and while quiet it
    /// gives memory back (<see cref="IdleMemoryTrimmer"/>).
    /// </summary>
    public static IHostApplicationBuilder AddSiloLifetime(this IHostApplicationBuilder builder, JobServiceOptions settings)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = JobDrainService.ShutdownTimeout(settings));
        builder.Services.AddHostedService<JobDrainService>();
        builder.Services.AddSingleton<IdleMemoryTrimmer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IdleMemoryTrimmer>());
        return builder;
    }
}
