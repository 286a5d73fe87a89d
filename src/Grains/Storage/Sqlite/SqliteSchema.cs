using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace OrleansJobs.Storage;

/// <summary>
/// Creates and migrates the embedded database: the job table, and the tables and queries of Orleans' ADO.NET
/// reminders and grain storage. Scripts are the embedded <c>Sqlite/NNN-name.sql</c> files, applied in number order;
/// <c>schema_version</c> records each one, so a later change is a new script. The scripts are idempotent as well.
/// </summary>
public static class SqliteSchema
{
    private const string ResourcePrefix = "OrleansJobs.Storage.Sqlite.";

    /// <summary>Applies the scripts not yet recorded. Safe to run at every start, and from two processes at once.</summary>
    public static Task ApplyAsync(string connectionString, CancellationToken cancellationToken = default) =>
        // Microsoft.Data.Sqlite is synchronous underneath: keep the file I/O off the caller's thread.
        Task.Run(() => Apply(connectionString, cancellationToken), cancellationToken);

    private static void Apply(string connectionString, CancellationToken cancellationToken)
    {
        using var connection = SqliteConnections.OpenForWriting(connectionString);
        Execute(connection, null, """
            CREATE TABLE IF NOT EXISTS schema_version
            (
                version    INTEGER NOT NULL PRIMARY KEY,
                script     TEXT    NOT NULL,
                applied_at TEXT    NOT NULL
            )
            """);

        foreach (var script in SchemaScript.Under(ResourcePrefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Checked inside the write transaction, so of two processes starting together only one applies a script.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var applied = Command(connection, transaction, "SELECT 1 FROM schema_version WHERE version = @version");
            applied.Parameters.AddWithValue("@version", script.Version);
            if (applied.ExecuteScalar() is not null)
            {
                continue;
            }

            Execute(connection, transaction, script.ReadText());
            using var record = Command(connection, transaction,
                "INSERT INTO schema_version (version, script, applied_at) VALUES (@version, @script, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
            record.Parameters.AddWithValue("@version", script.Version);
            record.Parameters.AddWithValue("@script", script.Name);
            record.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
