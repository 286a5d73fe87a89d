namespace OrleansJobs.Api;

/// <summary>
/// One bucket of a <see cref="TimelineResponse"/> from <c>At</c>: jobs submitted and completed (succeeded, failed or
/// cancelled) in it and per second, and the 99th percentile of the start delay (milliseconds from an attempt's due time
/// to its start) over <c>DelaySamples</c> attempts of jobs that succeeded in it, null when there were none.
/// </summary>
public sealed record TimelinePointResponse(
    DateTimeOffset At,
    long Submitted,
    long Completed,
    double SubmittedPerSecond,
    double CompletedPerSecond,
    double? StartDelayP99Ms,
    int DelaySamples);
