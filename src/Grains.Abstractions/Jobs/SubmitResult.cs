namespace OrleansJobs.Jobs;

[GenerateSerializer, Immutable]
public sealed record SubmitResult(
    [property: Id(0)] JobState Job,
    /// <summary>False when the job already existed (an idempotent replay).</summary>
    [property: Id(1)] bool Created);
