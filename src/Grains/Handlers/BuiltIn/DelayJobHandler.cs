using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrleansJobs.Handlers.BuiltIn;

/// <summary>
/// Sleeps for <c>duration</c> in <c>steps</c> equal steps, reporting progress after each, and fails its first
/// <c>failAttempts</c> attempts: a job with predictable timing and failures, for demos, tests and benchmarks.
/// </summary>
public sealed class DelayJobHandler(TimeProvider? time = null) : IJobHandler
{
    public const string Type = "delay";
    public const int MaxSteps = 10_000;

    private static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(1);
    private const int DefaultSteps = 10;

    private readonly TimeProvider time = time ?? TimeProvider.System;

    public async Task<JsonNode?> ExecuteAsync(JobContext context)
    {
        var (duration, steps, failAttempts) = ReadPayload(context);

        // Failing before sleeping keeps retry tests fast.
        if (context.Attempt <= failAttempts)
            throw new JobFailedException($"Attempt {context.Attempt} fails on purpose: the payload asks to fail the first {failAttempts} attempt(s) (failAttempts).");

        var step = duration / steps;
        for (var i = 1; i <= steps; i++)
        {
            await Task.Delay(step, time, context.CancellationToken);
            context.Progress.Report(100.0 * i / steps, $"step {i}/{steps}");
        }
        return new JsonObject { ["steps"] = steps };
    }

    private static (TimeSpan Duration, int Steps, int FailAttempts) ReadPayload(JobContext context)
    {
        Payload? payload;
        try
        {
            payload = context.GetPayload<Payload>();
        }
        catch (JsonException e)
        {
            throw Invalid($"it does not fit {{ \"duration\": \"00:00:05\", \"steps\": 10, \"failAttempts\": 0 }} ({e.Message})");
        }

        var duration = DefaultDuration;
        if (payload?.Duration is { } text && !DurationParser.TryParse(text, out duration))
            throw Invalid($"duration '{text}' is not a duration such as \"00:00:05\" or \"PT5S\"");
        var steps = payload?.Steps ?? DefaultSteps;
        if (steps is < 1 or > MaxSteps)
            throw Invalid($"steps must be between 1 and {MaxSteps}, not {steps}");
        var failAttempts = payload?.FailAttempts ?? 0;
        if (failAttempts < 0)
            throw Invalid($"failAttempts must not be negative, not {failAttempts}");
        return (duration, steps, failAttempts);
    }

    private static JobFailedException Invalid(string reason) => new($"Invalid delay payload: {reason}.", retryable: false);

    private sealed record Payload(string? Duration, int? Steps, int? FailAttempts);
}
