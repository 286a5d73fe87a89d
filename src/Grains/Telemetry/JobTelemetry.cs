using System.Diagnostics;

namespace OrleansJobs.Telemetry;

/// <summary>
/// The names OrleansJobs publishes its traces and metrics under, and the trace context a job carries from its submit
/// request to every attempt (<see cref="JobSpec.TraceParent"/>, stored with the job so that an attempt on another silo,
/// after a backoff or after a restart still joins the submitter's trace).
/// </summary>
public static class JobTelemetry
{
    /// <summary>Name of the <see cref="ActivitySource"/> and the <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "OrleansJobs";

    public static ActivitySource Source { get; } = new(Name, typeof(JobTelemetry).Assembly.GetName().Version?.ToString(3));

    /// <summary>The submitter's context, the parent of every attempt's span; default when the job has none.</summary>
    public static ActivityContext ParentOf(JobSpec spec) => ParentOf(spec.TraceParent, spec.TraceState);

    public static ActivityContext ParentOf(string? traceParent, string? traceState) =>
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context) ? context : default;

    /// <summary>
    /// Starts the span of one attempt, <c>job.attempt &lt;type&gt;</c>, as a child of the submitter's context (a root span
    /// when the job has none). Null when nothing listens (telemetry off) or the trace is not sampled.
    /// </summary>
    public static Activity? StartAttempt(JobSpec spec, string jobId, int attempt)
    {
        if (!Source.HasListeners()) return null;
        var span = Source.StartActivity(ActivityKind.Consumer, ParentOf(spec), name: $"job.attempt {spec.Type}");
        if (span is null) return null;
        span.SetTag("job.id", jobId);
        span.SetTag("job.type", spec.Type);
        span.SetTag("job.queue", spec.Queue);
        span.SetTag("job.attempt", attempt);
        return span;
    }

    /// <summary>An attempt span whose attempt did not start after all (the job was no longer queued): not exported.</summary>
    public static void Discard(Activity? span)
    {
        if (span is null) return;
        span.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        span.IsAllDataRequested = false;
    }

    /// <summary>
    /// Records the wait before the attempt (queueing, run time, retry backoff, recovery) as an event, not as a span:
    /// a wait of a day is not an open span of a day.
    /// </summary>
    public static void AttemptStarted(Activity? span, JobState job, JobAttempt attempt)
    {
        if (span is null || attempt.DueAt is not { } due) return;
        var previous = job.Attempts.Count > 1 ? job.Attempts[^2].Outcome : null;
        var reason = previous switch
        {
            null when job.ScheduledAt is not null => "scheduled",
            null => "queued",
            AttemptOutcome.Lost => "recovery",
            AttemptOutcome.Interrupted => "requeued",
            _ => "retry",
        };
        span.AddEvent(new ActivityEvent("job.waited", attempt.StartedAt, new ActivityTagsCollection
        {
            ["job.wait.reason"] = reason,
            ["job.due_at"] = due.ToString("O"),
            ["job.start_delay_ms"] = Math.Max(0, (attempt.StartedAt - due).TotalMilliseconds),
        }));
    }

    /// <summary>Closes an attempt's span with its outcome; a failure records the exception and marks the span as an error.</summary>
    public static void AttemptEnded(Activity? span, JobState job, JobAttempt attempt, Exception? error)
    {
        if (span is null || attempt.Outcome is not { } outcome) return;
        span.SetTag("job.outcome", Label(outcome));
        switch (outcome)
        {
            case AttemptOutcome.Failed:
                if (error is not null) span.AddException(error);
                span.SetStatus(ActivityStatusCode.Error, attempt.Error?.Message);
                break;
            case AttemptOutcome.TimedOut:
                span.SetStatus(ActivityStatusCode.Error, attempt.Error?.Message);
                break;
            case AttemptOutcome.Succeeded:
                span.SetStatus(ActivityStatusCode.Ok);
                break;
        }
        if (job.Status == JobStatus.Scheduled && job.NextAttemptAt is { } next)
            span.AddEvent(new ActivityEvent("job.retry_scheduled", tags: new ActivityTagsCollection { ["job.next_attempt_at"] = next.ToString("O") }));
    }

    /// <summary>Snake-case names as metric labels and span attributes show them: <c>timed_out</c>, <c>succeeded</c>.</summary>
    public static string Label(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Succeeded => "succeeded",
        AttemptOutcome.Failed => "failed",
        AttemptOutcome.TimedOut => "timed_out",
        AttemptOutcome.Cancelled => "cancelled",
        AttemptOutcome.Lost => "lost",
        AttemptOutcome.Interrupted => "interrupted",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    public static string Label(JobStatus status) => status.ToString().ToLowerInvariant();
}
