namespace OrleansJobs.Tests.Infrastructure;

public sealed record DelayResult(int Steps);
