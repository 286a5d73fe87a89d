using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Queues;

/// <summary>How named queues behave, bound from "OrleansJobs:Queues".</summary>
public sealed class QueueOptions
{
    public const string Section = "OrleansJobs:Queues";

    /// <summary>
    /// How often each silo refreshes its copy of which queues are limited or paused. A change of limits made on one silo
    /// applies there at once and on the others within this interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan SettingsRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Ageing: a waiting job counts as one priority higher for every interval since it was submitted, so low priorities
    /// are delayed under load but never starved.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan AgeingInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often a queue grain with work checks its slot holders against the cluster (holders on dead silos give their
    /// slots back) and against the job table (slots whose release was lost come back).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a granted slot is kept for a job that has not yet been recorded as Running.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan GrantGrace { get; set; } = TimeSpan.FromSeconds(15);
}
