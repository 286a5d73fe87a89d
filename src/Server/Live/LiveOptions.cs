using System.ComponentModel.DataAnnotations;

namespace OrleansJobs.Server.Live;

/// <summary>Limits of watching jobs live, from the configuration section <c>OrleansJobs:Live</c>.</summary>
public sealed class LiveOptions
{
    public const string SectionName = "OrleansJobs:Live";

    /// <summary>
    /// Jobs one hub connection may watch at once: each costs the silo a stream subscription, so a connection that
    /// subscribes without end would otherwise grow the silo's memory and its stream state without end.
    /// </summary>
    [Range(1, 100_000)] public int MaxWatchesPerConnection { get; set; } = 100;
}
