using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using OrleansJobs.Jobs;
using OrleansJobs.Silo.Api;
using OrleansJobs.Silo.Hosting;
using OrleansJobs.Storage;

namespace OrleansJobs.Silo;

/// <summary>Builds the one process of OrleansJobs: the Orleans silo, the HTTP API, the dashboard and the health endpoints.</summary>
public static class SiloApp
{
    /// <summary>Orleans' ADO.NET layer maps this invariant to Microsoft.Data.Sqlite.</summary>
    private const string SqliteInvariant = "System.Data.SQLite";

    public static async Task<WebApplication> BuildAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var settings = builder.Configuration.GetSection(JobServiceOptions.Section).Get<JobServiceOptions>() ?? new JobServiceOptions();
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Runtime.Placement", LogLevel.Warning);

        if (builder.Configuration.GetConnectionString("OrleansJobs") is { Length: > 0 })
            throw new NotSupportedException("ConnectionStrings:OrleansJobs is set, but clustered mode on PostgreSQL is not available in this version; remove it to run embedded.");

        var dataDirectory = Path.GetFullPath(settings.DataDirectory, builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);
        var databasePath = Path.Combine(dataDirectory, "orleansjobs.db");
        var connectionString = new SqliteJobStoreOptions(databasePath).ConnectionString;
        await SqliteSchema.ApplyAsync(connectionString, CancellationToken.None);
        builder.Services.AddSqliteJobStore(databasePath);

        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, serviceId: settings.ServiceId, clusterId: settings.ClusterId);
            silo.AddJobService();
            silo.AddJobStorage(JobGrain.StorageName);
            silo.AddAdoNetGrainStorageAsDefault(o => { o.Invariant = SqliteInvariant; o.ConnectionString = connectionString; });
            silo.AddAdoNetGrainStorage("PubSubStore", o => { o.Invariant = SqliteInvariant; o.ConnectionString = connectionString; });
            silo.UseAdoNetReminderService(o => { o.Invariant = SqliteInvariant; o.ConnectionString = connectionString; });
            silo.AddDashboard();
        });

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = JobDrainService.ShutdownTimeout(settings));
        builder.Services.AddHostedService<JobDrainService>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddHealthChecks().AddCheck<ReadinessCheck>("storage", tags: ["ready"]);

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapJobEndpoints();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapOrleansDashboard("/dashboard");
        app.MapOpenApi();
        return app;
    }
}
