using System.ComponentModel.DataAnnotations;

namespace MigrateSyncEndpoint;

/// <summary>What a report is asked for: how many pages, each about half a second of work.</summary>
public sealed class ReportRequest
{
    /// <summary>Pages to render; 4 to 20 pages make the 2 to 10 seconds of the legacy report.</summary>
    [Range(1, 20)]
    public int Pages { get; set; } = 6;
}
