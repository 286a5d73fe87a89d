using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Handlers.BuiltIn;

/// <summary>The payload of a <c>delay</c> job; every member is optional.</summary>
public sealed record DelayPayload
{
    /// <summary>
    /// The longest delay: 30 days keeps each step within what a timer can wait (about 49 days), and is far beyond
    /// what a demo or a benchmark asks for.
    /// </summary>
    public const string MaxDuration = "30.00:00:00";

    /// <summary>How long the job sleeps in all (<c>"00:00:05"</c>, <c>"PT5S"</c>, <c>"5s"</c>); one second when absent.</summary>
    [Duration(Maximum = MaxDuration)]
    public string? Duration { get; init; }

    /// <summary>How many equal steps the sleep takes, each followed by a progress report; 10 when absent.</summary>
    [Range(1, DelayJobHandler.MaxSteps)]
    public int? Steps { get; init; }

    /// <summary>How many attempts fail on purpose before one succeeds; none when absent.</summary>
    [Range(0, int.MaxValue)]
    public int? FailAttempts { get; init; }
}
