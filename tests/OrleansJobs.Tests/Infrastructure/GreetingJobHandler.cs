using OrleansJobs.Handlers;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// A typed job type of the test host's own, <c>greet</c>: proves that a handler registered beside the built-in ones
/// has its payload checked at submit and its typed result stored as the job's result.
/// </summary>
public sealed class GreetingJobHandler : IJobHandler<GreetingPayload, Greeting>
{
    public const string Type = "greet";

    public Task<Greeting> ExecuteAsync(GreetingPayload payload, JobContext context)
    {
        var once = payload.Tone == GreetingTone.Cheerful ? $"Hi, {payload.Name}!" : $"Good day, {payload.Name}.";
        return Task.FromResult(new Greeting(string.Join(" ", Enumerable.Repeat(once, payload.Times)), payload.Tone));
    }
}
