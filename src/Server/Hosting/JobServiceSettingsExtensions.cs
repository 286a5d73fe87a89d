namespace OrleansJobs.Server.Hosting;

public static class JobServiceSettingsExtensions
{
    /// <summary>
    /// The <c>OrleansJobs</c> section as the host composes itself from it, read once: the parts that decide what is
    /// registered (database, dashboard, ports) are needed before any service exists to be given options.
    /// </summary>
    public static JobServiceOptions ReadJobServiceSettings(this IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(JobServiceOptions.Section).Get<JobServiceOptions>() ?? new JobServiceOptions();
}
