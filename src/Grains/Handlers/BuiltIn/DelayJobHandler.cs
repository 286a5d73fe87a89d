namespace OrleansJobs.Handlers.BuiltIn;

/// <summary>
/// Sleeps for <c>duration</c> in <c>steps</c> equal steps, reporting progress after each, and fails its first
/// <c>failAttempts</c> attempts: a job with predictable timing and failures, for demos, tests and benchmarks.
/// Its payload (<see cref="DelayPayload"/>) is validated at submit.
/// </summary>
public sealed class DelayJobHandler(TimeProvider? time = null) : IJobHandler<DelayPayload, DelayResult>
{
    public const string Type = "delay";
    public const int MaxSteps = 10_000;

    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(1);
    private const int DefaultSteps = 10;

    private readonly TimeProvider time = time ?? TimeProvider.System;

    public async Task<DelayResult> ExecuteAsync(DelayPayload payload, JobContext context)
    {
        // The payload passed validation, so a duration given is one DurationParser reads.
        var duration = DurationParser.TryParse(payload.Duration, out var given) ? given : DefaultDuration;
        var steps = payload.Steps ?? DefaultSteps;
        var failAttempts = payload.FailAttempts ?? 0;

        // Failing before sleeping keeps retry tests fast.
        if (context.Attempt <= failAttempts)
            throw new JobFailedException($"Attempt {context.Attempt} fails on purpose: the payload asks to fail the first {failAttempts} attempt(s) (failAttempts).");

        var step = duration / steps;
        for (var i = 1; i <= steps; i++)
        {
            await Task.Delay(step, time, context.CancellationToken);
            context.Progress.Report(100.0 * i / steps, $"step {i}/{steps}");
        }
        return new DelayResult(steps);
    }
}
