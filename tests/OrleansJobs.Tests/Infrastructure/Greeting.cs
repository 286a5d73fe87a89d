namespace OrleansJobs.Tests.Infrastructure;

/// <summary>The result of a <c>greet</c> job.</summary>
public sealed record Greeting(string Text, GreetingTone Tone);
