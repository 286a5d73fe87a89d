namespace OrleansJobs.Handlers.BuiltIn;

/// <summary>The result of a <c>delay</c> job: how many steps it slept in.</summary>
public sealed record DelayResult(int Steps);
