using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Server.Telemetry;

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

    /// <summary>
    /// Adds it all unless <c>OrleansJobs:Telemetry:Enabled</c> is false; <c>:Traces</c> and <c>:Metrics</c> turn one
    /// signal off, and <c>:JobMetrics</c>, <c>:StoreMetrics</c> and <c>:PlatformMetrics</c> one part of the metrics. Returns whether Orleans' grain calls should carry the trace on (<see cref="GrainCallsTraced"/>).
    /// </summary>
    public static bool AddSiloTelemetry(this IHostApplicationBuilder builder)
    {
        var settings = Settings(builder.Configuration);
        if (!settings.Enabled || !(settings.Traces || settings.Metrics)) return false;

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                // OTEL_SERVICE_NAME, when set, names the service; this is only the default.
                if (string.IsNullOrEmpty(builder.Configuration["OTEL_SERVICE_NAME"])) resource.AddService(DefaultServiceName);
            });
        if (settings.Traces)
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .AddSource(JobTelemetry.Name)
                    .AddSource(BackgroundGrainCallFilter.Sources)
                    .AddSource("System.Net.Http")
                    .AddProcessor(new BackgroundGrainCallFilter())
                    .AddAspNetCoreInstrumentation(o => o.Filter = context => IsTraced(context.Request.Path));
                if (settings.SpanFile is { Length: > 0 } file)
                    tracing.AddProcessor(new SimpleActivityExportProcessor(new SpanFileExporter(file)));
                // While no span leaves the silo, recording them is wasted work: parentbased_always_off still creates the
                // submit span and each attempt's (so jobs keep their trace and span ids, and outbound calls carry the
                // trace on), but records them only when the caller's traceparent says its trace is sampled, and skips the
                // grain-call spans of unsampled traces altogether. OTEL_TRACES_SAMPLER, when set, decides instead.
                if (!SpansLeave(builder.Configuration, settings) && string.IsNullOrEmpty(builder.Configuration[SamplerVariable]))
                    tracing.SetSampler(new ParentBasedSampler(new AlwaysOffSampler()));
            });
        }
        if (settings.Metrics)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddView(instrument => View(instrument, settings)).AddMeter(JobTelemetry.Name);
                if (settings.PlatformMetrics)
                    metrics.AddMeter("Microsoft.Orleans", "Npgsql", "System.Runtime", "System.Net.Http").AddAspNetCoreInstrumentation();
                metrics.AddPrometheusExporter();
            });
        }

        if (OtlpRequested(builder.Configuration)) telemetry.UseOtlpExporter();
        return GrainCallsTraced(builder.Configuration, settings);
    }

    /// <summary>Buckets of <c>http.server.request.duration</c>: the API answers in milliseconds, below ASP.NET Core's first bound of 5 ms.</summary>
    public static readonly double[] RequestDurationBuckets = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10];

    /// <summary>
    /// OrleansJobs' own instruments as they are, or dropped when their part is off (a dropped instrument has no listener,
    /// so recording to it costs next to nothing). The SDK preallocates room for its cardinality limit (2,000 series by
    /// default) for every instrument, and Orleans, ASP.NET Core and the runtime publish some hundred: ~40 MiB before the
    /// first job. Their tags take a few values each, so 200 is plenty; OrleansJobs' own (queue × type × outcome) keep the default.
    /// </summary>
    private static MetricStreamConfiguration? View(System.Diagnostics.Metrics.Instrument instrument, TelemetryOptions settings)
    {
        if (instrument.Meter.Name != JobTelemetry.Name) return OtherInstrument(instrument);
        var on = instrument.Name.StartsWith(JobStoreMetrics.InstrumentPrefix, StringComparison.Ordinal) ? settings.StoreMetrics : settings.JobMetrics;
        return on ? null : MetricStreamConfiguration.Drop;
    }

    private static MetricStreamConfiguration OtherInstrument(System.Diagnostics.Metrics.Instrument instrument) =>
        instrument is { Name: "http.server.request.duration", Meter.Name: "Microsoft.AspNetCore.Hosting" }
            ? new ExplicitBucketHistogramConfiguration { Boundaries = RequestDurationBuckets, CardinalityLimit = OtherInstrumentCardinality }
            : new MetricStreamConfiguration { CardinalityLimit = OtherInstrumentCardinality };

    /// <summary>
    /// Orleans' activity propagation (grain calls as spans in the caller's trace) is on when spans are on and something
    /// reads them: an exporter, the span file, or a sampler the operator chose. Otherwise there is no trace for the grain
    /// calls to appear in, and propagating context on every call was the largest single part of telemetry's CPU cost (a
    /// job's trace context does not need it: the API stores it with the job, and attempts start their spans from that).
    /// </summary>
    public static bool GrainCallsTraced(IConfiguration configuration, TelemetryOptions settings) =>
        settings is { Enabled: true, Traces: true }
        && (SpansLeave(configuration, settings) || !string.IsNullOrEmpty(configuration[SamplerVariable]));

    /// <summary>The standard variable that picks a sampler; when set, the SDK's reading of it decides.</summary>
    private const string SamplerVariable = "OTEL_TRACES_SAMPLER";

    /// <summary>Whether finished spans go anywhere: an OTLP endpoint for traces, or the span file.</summary>
    private static bool SpansLeave(IConfiguration configuration, TelemetryOptions settings) =>
        settings.SpanFile is { Length: > 0 }
        || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format) when telemetry is on.</summary>
    public static void MapSiloTelemetry(this IEndpointRouteBuilder app)
    {
        if (Settings(app.ServiceProvider.GetRequiredService<IConfiguration>()) is { Enabled: true, Metrics: true })
            app.MapPrometheusScrapingEndpoint("/metrics");
    }

    /// <summary>The standard variables: one endpoint for all signals, or one per signal.</summary>
    private static bool OtlpRequested(IConfiguration configuration) =>
        new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT" }
            .Any(name => !string.IsNullOrEmpty(configuration[name]));

    /// <summary>Scrapes, health probes and the dashboard's polling are not worth a trace each.</summary>
    private static bool IsTraced(PathString path) =>
        !path.StartsWithSegments("/metrics") && !path.StartsWithSegments("/health") && !path.StartsWithSegments(Hosting.DashboardAssets.Prefix);
}
