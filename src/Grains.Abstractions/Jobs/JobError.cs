namespace OrleansJobs.Jobs;

[GenerateSerializer, Immutable]
public sealed record JobError(
    [property: Id(0)] string Message,
    [property: Id(1)] string? Type = null);
