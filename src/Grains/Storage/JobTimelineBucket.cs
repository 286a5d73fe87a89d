namespace OrleansJobs.Storage;

/// <summary>
/// One bucket of a <see cref="JobTimeline"/>: jobs created in it, jobs that ended in it (succeeded, failed or
/// cancelled, by their last write), and the <see cref="JobTimeline.DelayQuantile"/> of the start delay (an attempt's
/// start minus its due time) over <see cref="DelaySamples"/> attempts, those of a sample of the jobs that succeeded
/// in it; null when none did.
/// </summary>
public sealed record JobTimelineBucket(DateTimeOffset Start, long Created, long Ended, double? StartDelayP99Ms, int DelaySamples);
