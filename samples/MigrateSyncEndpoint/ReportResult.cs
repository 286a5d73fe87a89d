namespace MigrateSyncEndpoint;

/// <summary>A finished report: what it counted and how long it took.</summary>
public sealed record ReportResult(int Pages, long Checksum, double Seconds);
