using System.Net;
using Orleans.Configuration;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;

namespace OrleansJobs.Server.Hosting;

public static class JobSiloExtensions
{
    /// <summary>
    /// Makes the host an Orleans silo that runs jobs: clustering, grain storage and reminders on
    /// <paramref name="database"/>, the job grains with their own storage provider, the dashboard when
    /// <see cref="JobServiceOptions.Dashboard"/> is on. <paramref name="traced"/> (from telemetry) says whether grain
    /// calls join the caller's trace: only worth its cost when spans go somewhere.
    /// <para>
    /// When the host is an Orleans silo already (<paramref name="joining"/>: its <c>UseOrleans</c> came first), the jobs
    /// join that silo: its clustering and endpoints stay as the host set them, and the job service brings only what the
    /// host lacks (a default grain storage, the stream pub/sub's, a reminder service) on the job database.
    /// </para>
    /// </summary>
    public static IHostApplicationBuilder AddJobSilo(this IHostApplicationBuilder builder, JobServiceOptions settings, JobDatabase database, bool traced, bool joining = false)
    {
        // Orleans logs every placement retry at Information, through Polly and from placement itself: noise, not news.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Placement", LogLevel.Warning);

        builder.UseOrleans(silo =>
        {
            if (traced) silo.AddActivityPropagation();
            if (joining) UseWhatTheHostLacks(silo, database);
            else if (database.IsPostgres) UseCluster(silo, builder.Configuration, settings, database);
            else UseEmbedded(silo, settings, database);
            silo.AddJobService();
            silo.AddJobStorage(JobGrain.StorageName);
            if (settings.Dashboard) silo.AddJobDashboard();
            silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = settings.GrainLocationCacheSize);
        });
        return builder;
    }

    /// <summary>One silo on localhost: SQLite has no clustering provider, and the file is this silo's alone.</summary>
    private static void UseEmbedded(ISiloBuilder silo, JobServiceOptions settings, JobDatabase database)
    {
        silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
        UseDatabase(silo, database);
    }

    /// <summary>
    /// Clustered mode: membership, reminders, the default and pub/sub grain storage on PostgreSQL through the Orleans
    /// ADO.NET providers (the job table has its own store). Failure detection is tuned for prompt failover (a dead
    /// silo's jobs run again within seconds); <c>OrleansJobs:Membership</c> overrides any of <see cref="ClusterMembershipOptions"/>.
    /// With a certificate configured, silo-to-silo and gateway connections use TLS (<see cref="ClusterTls"/>).
    /// </summary>
    private static void UseCluster(ISiloBuilder silo, IConfiguration configuration, JobServiceOptions settings, JobDatabase database)
    {
        silo.Configure<ClusterOptions>(o => { o.ClusterId = settings.ClusterId; o.ServiceId = settings.ServiceId; });
        var advertised = settings.AdvertisedHost is { Length: > 0 } host ? ResolveAdvertisedAddress(host) : null;
        if (advertised is null) silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        else silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(advertised));
        silo.UseAdoNetClustering(o => { o.Invariant = database.AdoNetInvariant; o.ConnectionString = database.ConnectionString; });
        ClusterTls.Use(silo, configuration);
        UseDatabase(silo, database);
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 2;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(10);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        });
        silo.Configure<ClusterMembershipOptions>(configuration.GetSection($"{JobServiceOptions.Section}:Membership"));
    }

    /// <summary>In a host's own silo: the storage and reminders the job service needs that the host did not configure.</summary>
    private static void UseWhatTheHostLacks(ISiloBuilder silo, JobDatabase database)
    {
        var services = silo.Services;
        bool HasStorage(string name) => services.Any(d => d.ServiceType == typeof(Orleans.Storage.IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name));
        if (!HasStorage(Orleans.Providers.ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME))
            AddDefaultStorage(silo, database);
        if (!HasStorage("PubSubStore"))
            silo.AddAdoNetGrainStorage("PubSubStore", o => { o.Invariant = database.AdoNetInvariant; o.ConnectionString = database.ConnectionString; });
        if (!services.Any(d => d.ServiceType == typeof(IReminderTable)))
            silo.UseAdoNetReminderService(o => { o.Invariant = database.AdoNetInvariant; o.ConnectionString = database.ConnectionString; });
    }

    /// <summary>Grain state (the stream pub/sub's included) and reminders in the job database, whichever it is.</summary>
    private static void UseDatabase(ISiloBuilder silo, JobDatabase database)
    {
        AddDefaultStorage(silo, database);
        silo.AddAdoNetGrainStorage("PubSubStore", o => { o.Invariant = database.AdoNetInvariant; o.ConnectionString = database.ConnectionString; });
        silo.UseAdoNetReminderService(o => { o.Invariant = database.AdoNetInvariant; o.ConnectionString = database.ConnectionString; });
    }

    /// <summary>
    /// The default grain storage (callbacks, batches, schedules, queues) in the job database. Clearing a state deletes its
    /// row, so that retention, a deleted schedule or batch leave nothing behind (the project's scripts have the delete query).
    /// </summary>
    private static void AddDefaultStorage(ISiloBuilder silo, JobDatabase database) =>
        silo.AddAdoNetGrainStorageAsDefault(o =>
        {
            o.Invariant = database.AdoNetInvariant;
            o.ConnectionString = database.ConnectionString;
            o.DeleteStateOnClear = true;
        });

    private static IPAddress ResolveAdvertisedAddress(string host) =>
        IPAddress.TryParse(host, out var address)
            ? address
            : Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
              ?? throw new InvalidOperationException($"OrleansJobs:AdvertisedHost '{host}' does not resolve to an IPv4 address.");
}
