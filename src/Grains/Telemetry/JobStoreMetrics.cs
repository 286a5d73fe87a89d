using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansJobs.Telemetry;

/// <summary>
/// How long the job store's writes take, on the <c>OrleansJobs</c> meter. Prometheus shows them as
/// <c>orleansjobs_store_write_duration_seconds</c> (from when a write queued to when its commit was known: what a grain,
/// and so a submit's answer, waits for), <c>orleansjobs_store_commit_duration_seconds</c> (one batch's round trip and
/// commit) and <c>orleansjobs_store_batch_size</c>. Read beside a response time, they tell a tail in the database from
/// one in the silo: when the answers are slow but the writes are not, the time went elsewhere.
/// </summary>
public sealed class JobStoreMetrics
{
    // Fine at the low end (a commit on loopback takes about a millisecond), coarse where only stalls land.
    private static readonly IReadOnlyList<double> Buckets = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 15];

    /// <summary>The start of every instrument name of the store's (<see cref="TelemetryOptions.StoreMetrics"/> turns them off).</summary>
    public const string InstrumentPrefix = "orleansjobs.store.";

    private readonly Histogram<double> _write;
    private readonly Histogram<double> _commit;
    private readonly Histogram<int> _batch;
    private readonly KeyValuePair<string, object?> _store;

    /// <param name="meters">The host's meter factory, which owns the <c>OrleansJobs</c> meter.</param>
    /// <param name="store">The store's name, the <c>store</c> tag: <c>postgresql</c> or <c>sqlite</c>.</param>
    public JobStoreMetrics(IMeterFactory meters, string store)
    {
        var meter = meters.Create(JobTelemetry.Name);
        _store = new("store", store);
        _write = meter.CreateHistogram(InstrumentPrefix + "write.duration", "s",
            "From when a job write queued to when its commit was known: what the grain that wrote it waited for.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        _commit = meter.CreateHistogram(InstrumentPrefix + "commit.duration", "s", "One write batch's round trip and commit.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = Buckets });
        _batch = meter.CreateHistogram<int>(InstrumentPrefix + "batch.size", "{write}", "Writes committed together in one batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
    }

    /// <summary>A batch of <paramref name="writes"/> committed (or failed) after <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp).</summary>
    public void Committed(long startedAt, int writes)
    {
        if (_commit.Enabled) _commit.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, _store);
        if (_batch.Enabled) _batch.Record(writes, _store);
    }

    /// <summary>A write queued at <paramref name="queuedAt"/> (a <see cref="Stopwatch"/> timestamp) is answered now.</summary>
    public void Answered(long queuedAt, long now)
    {
        if (_write.Enabled) _write.Record(Stopwatch.GetElapsedTime(queuedAt, now).TotalSeconds, _store);
    }
}
