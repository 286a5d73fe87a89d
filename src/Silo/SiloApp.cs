using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansJobs.Api;
using OrleansJobs.Jobs;
using OrleansJobs.Silo.Api;
using OrleansJobs.Silo.Hosting;
using OrleansJobs.Silo.Live;
using OrleansJobs.Silo.Telemetry;
using OrleansJobs.Storage;

namespace OrleansJobs.Silo;

/// <summary>Builds the one process of OrleansJobs: the Orleans silo, the HTTP API, the dashboard and the health endpoints.</summary>
public static class SiloApp
{
    /// <summary>Orleans' ADO.NET layer maps this invariant to Microsoft.Data.Sqlite.</summary>
    private const string SqliteInvariant = "System.Data.SQLite";

    private const string PostgresInvariant = "Npgsql";

    /// <summary>Set = clustered mode on PostgreSQL; unset = embedded SQLite.</summary>
    public const string ConnectionStringName = "OrleansJobs";

    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = builder.Configuration.GetSection(JobServiceOptions.Section).Get<JobServiceOptions>() ?? new JobServiceOptions();
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Placement", LogLevel.Warning);

        var postgres = builder.Configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } configured
            ? PostgresJobStoreOptions.Tune(configured)
            : null;
        if (postgres is not null)
        {
            if (settings.ApplySchemaOnStart) await ApplyPostgresSchemaAsync(postgres, CancellationToken.None);
            builder.Services.AddPostgresJobStore(postgres);
        }
        else
        {
            var databasePath = EmbeddedDatabasePath(builder.Configuration, builder.Environment.ContentRootPath);
            await SqliteSchema.ApplyAsync(new SqliteJobStoreOptions(databasePath).ConnectionString, CancellationToken.None);
            builder.Services.AddSqliteJobStore(databasePath);
        }

        var traced = builder.AddSiloTelemetry();
        builder.UseOrleans(silo =>
        {
            if (traced) silo.AddActivityPropagation(); // grain calls join the caller's trace (when spans go somewhere)
            if (postgres is not null) UsePostgres(silo, builder.Configuration, settings, postgres);
            else UseEmbedded(silo, settings, new SqliteJobStoreOptions(EmbeddedDatabasePath(builder.Configuration, builder.Environment.ContentRootPath)).ConnectionString);
            silo.AddJobService();
            silo.AddJobStorage(JobGrain.StorageName);
            if (settings.Dashboard)
            {
                DashboardMetrics.AddDashboard(silo);
                DashboardAssets.ServeOnDemand(silo.Services);
            }
            silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = settings.GrainLocationCacheSize);
        });

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = JobDrainService.ShutdownTimeout(settings));
        builder.Services.AddHostedService<JobDrainService>();
        builder.Services.AddSingleton<IdleMemoryTrimmer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IdleMemoryTrimmer>());
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<JobWatchRegistry>();
        builder.Services.AddSingleton<HubSubscriptions>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOptions<BackpressureOptions>().BindConfiguration(BackpressureOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(o => o.AddPolicy<string, SubmitBackpressure>(SubmitBackpressure.PolicyName));
        builder.Services.AddExceptionHandler<UnavailableExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o => JobResponse.UseApiJson(o.SerializerOptions));
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("storage", tags: ["ready"]);

        var app = builder.Build();
        app.UseCorrelationIds();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.MapJobEndpoints();
        app.MapScheduleEndpoints();
        app.MapQueueEndpoints();
        app.MapBatchEndpoints();
        app.MapJobEventStream();
        app.MapHub<JobsHub>("/hubs/jobs");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        if (settings.Dashboard)
        {
            app.MapOrleansDashboard(DashboardAssets.Prefix);
            app.MapDashboardAssets();
        }
        app.MapOpenApi();
        app.MapSiloTelemetry();
        return app;
    }

    /// <summary>
    /// Applies the schema of the configured mode and returns: the <c>migrate</c> command, for operators who create the
    /// schema before they deploy (and then start silos with <c>OrleansJobs:ApplySchemaOnStart=false</c>).
    /// </summary>
    public static async Task<string> MigrateAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (builder.Configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } configured)
        {
            await ApplyPostgresSchemaAsync(PostgresJobStoreOptions.Tune(configured), cancellationToken);
            return $"PostgreSQL schema is up to date (database {new Npgsql.NpgsqlConnectionStringBuilder(configured).Database}).";
        }

        var databasePath = EmbeddedDatabasePath(builder.Configuration, builder.Environment.ContentRootPath);
        await SqliteSchema.ApplyAsync(new SqliteJobStoreOptions(databasePath).ConnectionString, cancellationToken);
        return $"SQLite schema is up to date ({databasePath}).";
    }

    /// <summary>GETs /health/ready from the silo configured by <paramref name="args"/> (its first <c>--urls</c> entry) on loopback.</summary>
    public static async Task<bool> CheckReadyAsync(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables("ASPNETCORE_").AddCommandLine(args).Build();
        var url = (configuration["urls"] ?? "http://localhost:5000").Split(';')[0];
        var uri = new UriBuilder(url.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)) { Path = "/health/ready" }.Uri;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await http.GetAsync(uri);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static string EmbeddedDatabasePath(IConfiguration configuration, string contentRoot)
    {
        var settings = configuration.GetSection(JobServiceOptions.Section).Get<JobServiceOptions>() ?? new JobServiceOptions();
        var dataDirectory = Path.GetFullPath(settings.DataDirectory, contentRoot);
        Directory.CreateDirectory(dataDirectory);
        return Path.Combine(dataDirectory, "orleansjobs.db");
    }

    private static void UseEmbedded(ISiloBuilder silo, JobServiceOptions settings, string connectionString)
    {
        silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
        silo.AddAdoNetGrainStorageAsDefault(o => { o.Invariant = SqliteInvariant; o.ConnectionString = connectionString; });
        silo.AddAdoNetGrainStorage("PubSubStore", o => { o.Invariant = SqliteInvariant; o.ConnectionString = connectionString; });
        silo.UseAdoNetReminderService(o => { o.Invariant = SqliteInvariant; o.ConnectionString = connectionString; });
    }

    /// <summary>
    /// Clustered mode: membership, reminders, the default and pub/sub grain storage on PostgreSQL through the Orleans
    /// ADO.NET providers, and the job table through <see cref="PostgresJobStore"/>. Failure detection is tuned for prompt
    /// failover (a dead silo's jobs run again within seconds); <c>OrleansJobs:Membership</c> overrides any of
    /// <see cref="ClusterMembershipOptions"/>.
    /// </summary>
    private static void UsePostgres(ISiloBuilder silo, IConfiguration configuration, JobServiceOptions settings, string connectionString)
    {
        silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
        var advertised = settings.AdvertisedHost is { Length: > 0 } host ? ResolveAdvertisedAddress(host) : null;
        if (advertised is null) silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        else silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
        silo.UseAdoNetClustering(o => { o.Invariant = PostgresInvariant; o.ConnectionString = connectionString; });
        silo.AddAdoNetGrainStorageAsDefault(o => { o.Invariant = PostgresInvariant; o.ConnectionString = connectionString; });
        silo.AddAdoNetGrainStorage("PubSubStore", o => { o.Invariant = PostgresInvariant; o.ConnectionString = connectionString; });
        silo.UseAdoNetReminderService(o => { o.Invariant = PostgresInvariant; o.ConnectionString = connectionString; });
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection($"{JobServiceOptions.Section}:Membership"));
    }

    private static IPAddress ResolveAdvertisedAddress(string host) =>
        IPAddress.TryParse(host, out var address)
            ? address
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"OrleansJobs:AdvertisedHost '{host}' does not resolve to an IPv4 address.");

    /// <summary>
    /// Applies the schema, waiting for the database to come up first (a silo may start before PostgreSQL does, as in a
    /// compose file or after a host reboot): up to a minute of retries on connection errors, then the error.
    /// </summary>
    private static async Task ApplyPostgresSchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        for (var delay = TimeSpan.FromMilliseconds(250); ; delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks)))
        {
            try
            {
                await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
                return;
            }
            catch (Exception ex) when (PostgresJobStore.Translate(ex) is JobServiceUnavailableException && DateTime.UtcNow + delay < deadline)
            {
                Console.Error.WriteLine($"PostgreSQL is not reachable yet ({ex.GetBaseException().Message}); retrying in {delay.TotalSeconds:0.##} s");
                await Task.Delay(delay, cancellationToken);
            }
        }
    }
}
