namespace OrleansJobs.Telemetry;

/// <summary>Settings of traces, metrics and logs, bound from "OrleansJobs:Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string Section = "OrleansJobs:Telemetry";

    /// <summary>
    /// Traces and metrics through OpenTelemetry: spans, <c>GET /metrics</c>, and OTLP export when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Off: none of it (jobs still carry the submitter's trace id).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Spans (with <see cref="Enabled"/>): off leaves metrics on and starts no spans, so jobs carry no span ids.</summary>
    public bool Traces { get; set; } = true;

    /// <summary>Metrics and <c>GET /metrics</c> (with <see cref="Enabled"/>): off leaves traces on.</summary>
    public bool Metrics { get; set; } = true;

    /// <summary>
    /// OrleansJobs' job instruments (submitted, completed, attempts, attempt duration, start delay, retention, the
    /// <c>orleansjobs_jobs</c> gauge), with <see cref="Metrics"/>. Off: they are not collected and cost nothing to record.
    /// </summary>
    public bool JobMetrics { get; set; } = true;

    /// <summary>Whether the <c>orleansjobs_jobs</c> gauge is exported, and so worth counting the job table for.</summary>
    public bool ExportsJobMetrics => Enabled && Metrics && JobMetrics;

    /// <summary>The job store's histograms (<see cref="JobStoreMetrics"/>: write and commit times, batch sizes), with <see cref="Metrics"/>.</summary>
    public bool StoreMetrics { get; set; } = true;

    /// <summary>
    /// The meters OrleansJobs exports but does not own (Orleans, ASP.NET Core, Npgsql, the .NET runtime, outbound HTTP),
    /// with <see cref="Metrics"/>. Off: <c>GET /metrics</c> holds OrleansJobs' own series alone.
    /// </summary>
    public bool PlatformMetrics { get; set; } = true;

    /// <summary>
    /// Distinct queue names that get a <c>queue</c> label of their own in the metrics; the rest are counted under
    /// <c>other</c>, so that callers naming queues at will cannot grow the number of series without end.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, 100_000)] public int MaxQueueLabels { get; set; } = 100;

    /// <summary>How often the silo that reports the <c>orleansjobs_jobs</c> gauge counts the job table.</summary>
    public TimeSpan JobCountInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A file to append finished spans to, one JSON object a line (OrleansJobs' own spans only): for looking at traces
    /// without a collector, and for tests. Unset: no file.
    /// </summary>
    public string? SpanFile { get; set; }
}
