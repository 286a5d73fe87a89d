using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OrleansJobs.Telemetry;

/// <summary>
/// The job service's instruments on the <c>OrleansJobs</c> meter. Prometheus shows them as
/// <c>orleansjobs_jobs_submitted_total</c>, <c>orleansjobs_jobs_completed_total</c>, <c>orleansjobs_attempts_total</c>,
/// <c>orleansjobs_attempt_duration_seconds</c>, <c>orleansjobs_start_delay_seconds</c>, <c>orleansjobs_retention_deleted_total</c>
/// and <c>orleansjobs_jobs</c>
/// (the job store's own are <see cref="JobStoreMetrics"/>). Queue names are labels up to a limit (<see cref="QueueLabels"/>).
/// Each silo counts what happens on it, so the cluster's figure is the sum over silos.
/// </summary>
public sealed class JobMetrics
{
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _attemptDuration;
    private readonly Histogram<double> _startDelay;
    private readonly Counter<long> _retentionDeleted;

    private readonly QueueLabels _queues;

    public JobMetrics(IMeterFactory meters, JobCountSampler counts, QueueLabels queues)
    {
        _queues = queues;
        var meter = meters.Create(JobTelemetry.Name);
        _submitted = meter.CreateCounter<long>("orleansjobs.jobs.submitted", "{job}", "Jobs accepted (idempotent replays not counted).");
        _completed = meter.CreateCounter<long>("orleansjobs.jobs.completed", "{job}", "Jobs that reached a final status: succeeded, failed or cancelled.");
        _attempts = meter.CreateCounter<long>("orleansjobs.attempts", "{attempt}", "Attempts ended, by outcome.");
        _attemptDuration = meter.CreateHistogram("orleansjobs.attempt.duration", "s", "How long attempts ran.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });
        _startDelay = meter.CreateHistogram("orleansjobs.start_delay", "s",
            "From when an attempt was due (submit, run time or retry time) to its start: queueing delay and lateness.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _retentionDeleted = meter.CreateCounter<long>("orleansjobs.retention.deleted", "{job}", "Finished jobs deleted by retention, by status.");
        meter.CreateObservableGauge("orleansjobs.jobs", counts.Observe, "{job}",
            "Jobs now scheduled, queued or running (cluster-wide, reported by one silo).");
    }

    public void Submitted(JobSpec spec) => _submitted.Add(1, Type(spec), Queue(spec));

    public void Completed(JobSpec spec, JobStatus status) =>
        _completed.Add(1, Type(spec), Queue(spec), new("status", JobTelemetry.Label(status)));

    public void AttemptStarted(JobSpec spec, JobAttempt attempt)
    {
        if (attempt.DueAt is { } due)
            _startDelay.Record(Math.Max(0, (attempt.StartedAt - due).TotalSeconds), Type(spec), Queue(spec));
    }

    /// <summary>An attempt ended; <paramref name="ranFor"/> is null when how long it ran is unknown (lost with its silo).</summary>
    public void AttemptEnded(JobSpec spec, AttemptOutcome outcome, TimeSpan? ranFor)
    {
        _attempts.Add(1, Type(spec), Queue(spec), new("outcome", JobTelemetry.Label(outcome)));
        if (ranFor is { } duration) _attemptDuration.Record(duration.TotalSeconds, Type(spec), Queue(spec));
    }

    /// <summary>Retention deleted <paramref name="count"/> finished jobs of <paramref name="status"/>.</summary>
    public void Deleted(JobStatus status, int count) => _retentionDeleted.Add(count, new KeyValuePair<string, object?>("status", JobTelemetry.Label(status)));

    private static KeyValuePair<string, object?> Type(JobSpec spec) => new("type", spec.Type);

    private KeyValuePair<string, object?> Queue(JobSpec spec) => new("queue", _queues.Of(spec.Queue));
}
