using OrleansJobs.Handlers;

namespace OrleansJobs.TestApp;

/// <summary>The app's own typed handler: reports progress step by step, then greets, naming the process that ran it.</summary>
public sealed class GreetHandler : IJobHandler<GreetPayload, GreetResult>
{
    public const string Type = "greet";

    public async Task<GreetResult> ExecuteAsync(GreetPayload payload, JobContext context)
    {
        for (var step = 1; step <= payload.Steps; step++)
        {
            await Task.Delay(payload.StepMilliseconds, context.CancellationToken);
            context.Progress.Report(100.0 * step / payload.Steps, $"step {step} of {payload.Steps}");
        }
        return new GreetResult($"Hello, {payload.Name}!", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
