namespace OrleansJobs.Schedules;

/// <summary>What a schedule does now: fire an occurrence or not, and where it stands afterwards.</summary>
/// <param name="Fire">The occurrence to submit a job for now, if any.</param>
/// <param name="Missed">For a catch-up fire (misfire <see cref="MisfirePolicy.FireOnce"/>), how many missed occurrences it stands for; 0 for an on-time fire.</param>
/// <param name="Cursor">The latest occurrence dealt with after this decision.</param>
/// <param name="Waiting">The occurrence left waiting for the previous job (overlap <see cref="OverlapPolicy.Wait"/>).</param>
/// <param name="Skipped">How many occurrences this decision dropped.</param>
/// <param name="WakeAt">When to decide again: the next occurrence, or soon while one waits; null when paused or never.</param>
public sealed record ScheduleDecision(DateTimeOffset? Fire, int Missed, DateTimeOffset Cursor, DateTimeOffset? Waiting, int Skipped, DateTimeOffset? WakeAt);
