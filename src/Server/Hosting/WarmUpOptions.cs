using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// The start-up warm-up (<see cref="StartupWarmUp"/>), from the configuration section <c>OrleansJobs:WarmUp</c>: before
/// the silo reports ready, it runs <see cref="Jobs"/> no-op jobs through its own HTTP API, <see cref="Rounds"/> times
/// with a <see cref="Pause"/> after each, so that the runtime compiles the job path's methods, and then deletes them.
/// Off (0 jobs) by default.
/// </summary>
public sealed class WarmUpOptions
{
    public const string SectionName = "OrleansJobs:WarmUp";

    /// <summary>No-op jobs a round submits; 0 turns the warm-up off.</summary>
    [Range(0, 100_000)] public int Jobs { get; set; }

    /// <summary>
    /// Rounds of <see cref="Jobs"/>. The runtime counts calls towards its optimising tier only after a quiet spell
    /// without new methods, and with tiered PGO a method passes an instrumented tier first: two rounds with a pause
    /// after each let both steps happen before the first real request.
    /// </summary>
    [Range(1, 10)] public int Rounds { get; set; } = 2;

    /// <summary>
    /// The quiet time after each round, in which the runtime compiles what the round made hot; after it, the warm-up
    /// also waits (up to 10 s) until the runtime has compiled no new method for a quarter of a second.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")] public TimeSpan Pause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Submissions in flight at once.</summary>
    [Range(1, 256)] public int Concurrency { get; set; } = 16;

    /// <summary>The longest the whole warm-up may take; past it the silo reports ready anyway (and logs a warning).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")] public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);
}
