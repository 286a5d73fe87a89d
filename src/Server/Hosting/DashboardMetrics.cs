using System.Diagnostics.Metrics;
using Orleans.Dashboard;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OrleansJobs.Server.Telemetry;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Feeds the Orleans dashboard's silo counters from a meter provider of bounded size. The package's own host builds
/// an OpenTelemetry meter provider over Orleans' meter as the silo starts, with OpenTelemetry's default of 2,000
/// series per instrument, which OpenTelemetry allocates up front: a 144 KB array on the large-object heap for each of
/// Orleans' instruments once it has been used. On a silo that has run jobs that is about 20 MiB (<c>dotnet-gcdump</c>
/// after the benchmark's W6: 142 such arrays with the dashboard, 6 without), for an exporter that keeps one value per
/// instrument. This provider has the package's view (Orleans' own meter only, histograms as a plain sum) and the
/// series limit the silo's own <c>/metrics</c> keeps per Orleans instrument (<see cref="SiloTelemetry.OtherInstrumentCardinality"/>).
/// The package's host still does the rest of its start (activating the dashboard grain, reporting the silo's versions).
/// </summary>
public sealed class DashboardMetrics(IServiceProvider services, Type exporterType) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const string HostTypeName = "Orleans.Dashboard.DashboardHost";
    private const string ExporterTypeName = "Orleans.Dashboard.Implementation.DashboardTelemetryExporter";
    /// <summary>The stage the package's host starts its provider in: just before the silo becomes active.</summary>
    private const int StartStage = ServiceLifecycleStage.Active - 1;
    private const int ExportIntervalMilliseconds = 1000;

    private MeterProvider? _meterProvider;

    /// <summary>The meter provider feeding the dashboard, once the silo has started.</summary>
    public MeterProvider? MeterProvider => _meterProvider;

    /// <summary>
    /// Adds the dashboard to the silo, with this provider in place of the package's. Should a later package no longer
    /// have the parts this relies on (its host and exporter types), the dashboard is left as the package made it.
    /// </summary>
    public static void AddDashboard(ISiloBuilder silo)
    {
        var services = silo.Services;
        var first = services.Count;
        silo.AddDashboard();
        var package = typeof(DashboardOptions).Assembly;
        if (package.GetType(HostTypeName) is not { } hostType || package.GetType(ExporterTypeName) is not { } exporterType) return;
        if (!typeof(BaseExporter<Metric>).IsAssignableFrom(exporterType)) return;

        // The package's host takes part in the silo's lifecycle (to start its provider) through a factory registration;
        // each lifecycle participant the package added is resolved as before, except its host, which is replaced.
        services.AddSingleton(sp => new DashboardMetrics(sp, exporterType));
        for (var i = first; i < services.Count; i++)
        {
            if (services[i] is not { ServiceType: var type, ImplementationFactory: { } factory } || type != typeof(ILifecycleParticipant<ISiloLifecycle>)) continue;
            services[i] = ServiceDescriptor.Singleton(type, sp => factory(sp) is var participant && participant.GetType() == hostType
                ? sp.GetRequiredService<DashboardMetrics>()
                : participant);
        }
    }

    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe<DashboardMetrics>(StartStage, _ =>
    {
        Start();
        return Task.CompletedTask;
    });

    private void Start()
    {
        var orleans = services.GetRequiredService<OrleansInstruments>().Meter;
        _meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(orleans.Name)
            .AddView(instrument => instrument.Meter != orleans
                ? MetricStreamConfiguration.Drop
                : IsHistogram(instrument)
                    ? new ExplicitBucketHistogramConfiguration { TagKeys = [], Boundaries = [], RecordMinMax = false, CardinalityLimit = SiloTelemetry.OtherInstrumentCardinality }
                    : new MetricStreamConfiguration { CardinalityLimit = SiloTelemetry.OtherInstrumentCardinality })
            .AddReader(new PeriodicExportingMetricReader((BaseExporter<Metric>)services.GetRequiredService(exporterType), ExportIntervalMilliseconds, 1000))
            .Build();
    }

    private static bool IsHistogram(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Histogram<>);

    public void Dispose() => _meterProvider?.Dispose();
}
