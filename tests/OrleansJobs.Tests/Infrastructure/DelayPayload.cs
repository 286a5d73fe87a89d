namespace OrleansJobs.Tests.Infrastructure;

/// <summary>The payload and result of the stock <c>delay</c> job type, as a client application would declare them.</summary>
public sealed record DelayPayload(string? Duration = null, int? Steps = null, int? FailAttempts = null);
