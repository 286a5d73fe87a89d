namespace OrleansJobs.Jobs;

[GenerateSerializer, Immutable]
public sealed record SubmitResult(
    [property: Id(0)] JobState Job,
    // False when the job already existed (an idempotent replay).
    [property: Id(1)] bool Created);
