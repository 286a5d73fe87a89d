namespace OrleansJobs.TestApp;

/// <summary>What a <c>greet</c> job leaves as its result.</summary>
public sealed record GreetResult(string Greeting, string Process);
