using OrleansJobs.Handlers;

namespace OrleansJobs.TestApp;

/// <summary>A second type of the app's, so that two processes can serve different sets.</summary>
public sealed class ShoutHandler : IJobHandler<GreetPayload, GreetResult>
{
    public const string Type = "shout";

    public Task<GreetResult> ExecuteAsync(GreetPayload payload, JobContext context) =>
        Task.FromResult(new GreetResult($"HELLO, {payload.Name?.ToUpperInvariant()}!", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
