using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for the silo: spans of the "OrleansJobs" source with ASP.NET Core's, Orleans' grain calls and
/// outbound HTTP; the "OrleansJobs" meter with those ASP.NET Core, Orleans, Npgsql and the .NET runtime publish, on
/// <c>GET /metrics</c> for Prometheus; OTLP export when the standard <c>OTEL_EXPORTER_OTLP_*</c> variables ask for it.
/// </summary>
public static class SiloTelemetry
{
    private const string DefaultServiceName = "orleansjobs";

    /// <summary>Series kept per instrument of the meters OrleansJobs exports but does not own (see the view below).</summary>
    public const int OtherInstrumentCardinality = 200;

    public static TelemetryOptions Settings(IConfiguration configuration) =>
        configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();

    /// <summary>Adds it all unless <c>OrleansJobs:Telemetry:Enabled</c> is false. Returns whether it did.</summary>
    public static bool AddSiloTelemetry(this WebApplicationBuilder builder)
    {
        var settings = Settings(builder.Configuration);
        if (!settings.Enabled) return false;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, names the service; this is only the default.
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"])) resource.AddService(DefaultServiceName);
            })
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(JobTelemetry.Name)
                    .AddSource(ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.LifecycleActivitySourceName)
                    .AddSource("System.Net.Http")
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => IsTraced(context.Request.Path));
                if (settings.SpanFile is { Length: > 0 } file)
                    tracing.AddProcessor(new SimpleActivityExportProcessor(new SpanFileExporter(file)));
            })
            .WithMetrics(metrics => metrics
                // The SDK preallocates room for its cardinality limit (2,000 series by default) for every instrument, and
                // Orleans, ASP.NET Core and the runtime publish some hundred: ~40 MiB before the first job. Their tags take
                // a few values each, so 200 is plenty; OrleansJobs' own (queue × type × outcome) keep the default.
                .AddView(instrument => instrument.Meter.Name == JobTelemetry.Name ? null : new MetricStreamConfiguration { CardinalityLimit = OtherInstrumentCardinality })
                .AddMeter(JobTelemetry.Name)
                .AddMeter("Microsoft.Orleans")
                .AddMeter("Npgsql")
                .AddMeter("System.Runtime", "System.Net.Http")
                .AddAspNetCoreInstrumentation()
                .AddPrometheusExporter());

        if (OtlpRequested(builder.Configuration)) telemetry.UseOtlpExporter();
        return true;
    }

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format) when telemetry is on.</summary>
    public static void MapSiloTelemetry(this WebApplication app)
    {
        if (Settings(app.Configuration).Enabled) app.MapPrometheusScrapingEndpoint("/metrics");
    }

    /// <summary>The standard variables: one endpoint for all signals, or one per signal.</summary>
    private static bool OtlpRequested(IConfiguration configuration) =>
        new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT" }
            .Any(name => !string.IsNullOrEmpty(configuration[name]));

    /// <summary>Scrapes, health probes and the dashboard's polling are not worth a trace each.</summary>
    private static bool IsTraced(PathString path) =>
        !path.StartsWithSegments("/metrics") && !path.StartsWithSegments("/health") && !path.StartsWithSegments(Hosting.DashboardAssets.Prefix);
}
