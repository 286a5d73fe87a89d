namespace OrleansJobs.Jobs;

[GenerateSerializer, Immutable]
public sealed record JobProgress(
    [property: Id(0)] double? Percent,
    [property: Id(1)] string? Message,
    [property: Id(2)] DateTimeOffset UpdatedAt);
