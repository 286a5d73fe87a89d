using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// When the API sheds submissions with 429, from the configuration section <c>OrleansJobs:Backpressure</c>. The backlog
/// of a silo is the submissions it is handling right now plus the jobs on it waiting for a handler slot
/// (<c>OrleansJobs:Execution</c>); past either limit a submission is refused at once with <see cref="RetryAfter"/>, and
/// nothing of it is stored.
/// </summary>
public sealed class BackpressureOptions
{
    public const string SectionName = "OrleansJobs:Backpressure";

    /// <summary>Submit requests this silo handles at once; one more is refused.</summary>
    [Range(1, 1_000_000)] public int MaxConcurrentSubmits { get; set; } = 1000;

    /// <summary>Jobs on this silo waiting for a handler slot, past which submissions are refused until the queue drains below it.</summary>
    [Range(1, 10_000_000)] public int MaxWaitingJobs { get; set; } = 10_000;

    /// <summary>What the 429 answer's <c>Retry-After</c> asks the client to wait.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")] public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);
}
