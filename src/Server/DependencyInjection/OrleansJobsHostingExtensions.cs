using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansJobs.Client;
using OrleansJobs.Server.Auth;
using OrleansJobs.Server.Hosting;
using OrleansJobs.Server.InProcess;
using OrleansJobs.Server.Telemetry;

namespace Microsoft.Extensions.Hosting;

/// <summary>Adds OrleansJobs to an application's host: <c>builder.AddOrleansJobs()</c>, then <c>app.MapOrleansJobs()</c>.</summary>
public static class OrleansJobsHostingExtensions
{
    /// <summary>
    /// Adds the job service to the application: the job grains and their store, the built-in job types, the HTTP API's
    /// services, live progress (SignalR and server-sent events), health checks, OpenTelemetry and the Orleans
    /// dashboard, all read from the <c>OrleansJobs</c> configuration section (the README lists its settings), which
    /// <paramref name="configure"/> may then change in code.
    /// <para>
    /// Where the jobs live: in an application with no Orleans of its own, this starts a silo, on PostgreSQL when the
    /// <c>OrleansJobs</c> connection string is set (a cluster of every process on that database) and otherwise on an
    /// embedded SQLite file. In an application that is an Orleans silo already, call this after its <c>UseOrleans</c>:
    /// the jobs join that silo, with its clustering and grain storage, and keep only their own job table on the
    /// database above.
    /// </para>
    /// <para>
    /// The application's own code submits and follows jobs through <see cref="IJobClient"/>, which this registers as
    /// <see cref="InProcessJobClient"/>: the API's validation, idempotency, results and errors, straight on the job
    /// grains without HTTP. It is added first and with <c>TryAdd</c>, so it wins over the HTTP client's
    /// <c>AddOrleansJobsClient</c> called afterwards (which still gives <see cref="IOrleansJobsClient"/>).
    /// </para>
    /// </summary>
    public static OrleansJobsBuilder AddOrleansJobs(this IHostApplicationBuilder builder, Action<JobServiceOptions>? configure = null)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(OrleansJobsMarker)))
            throw new InvalidOperationException("AddOrleansJobs was called twice on this host.");
        builder.Services.AddSingleton<OrleansJobsMarker>();
        // Before anything else can: the HTTP client's AddOrleansJobsClient also TryAdds an IJobClient, and the first wins.
        builder.Services.TryAddSingleton<IJobClient>(InProcessJobClient.Create);

        // An Orleans silo (or client) the host set up before us: its grain factory is registered already.
        var joining = builder.Services.Any(d => d.ServiceType == typeof(IGrainFactory));
        var settings = builder.ReadJobServiceSettings();
        configure?.Invoke(settings);

        var database = builder.AddJobStore(settings);
        builder.Services.AddSingleton(database);
        var traced = builder.AddSiloTelemetry();
        builder.AddJobSilo(settings, database, traced, joining);
        if (configure is not null) builder.Services.Configure(configure); // after the section is bound, so it wins
        builder.AddSiloLifetime(settings);
        builder.AddJobLive();
        builder.AddJobApi();
        builder.AddJobAuth();
        builder.AddJobHealth();
        builder.Services.Configure<OrleansJobs.Server.WebConsole.ConsoleOptions>(builder.Configuration.GetSection(OrleansJobs.Server.WebConsole.ConsoleOptions.Section));
        return new OrleansJobsBuilder(builder);
    }

    /// <summary>Registered once by <see cref="AddOrleansJobs"/>, so that a second call is refused.</summary>
    private sealed class OrleansJobsMarker;
}
