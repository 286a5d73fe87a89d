using Microsoft.Data.Sqlite;

namespace OrleansJobs.Storage;

/// <param name="DatabasePath">The SQLite database file; it is created if missing (its directory must exist).</param>
public sealed record SqliteJobStoreOptions(string DatabasePath)
{
    /// <summary>Most writes committed in one transaction.</summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>The connection string for the same file, for <see cref="SqliteSchema"/> and Orleans' ADO.NET providers.</summary>
    public string ConnectionString => new SqliteConnectionStringBuilder { DataSource = DatabasePath }.ToString();
}
