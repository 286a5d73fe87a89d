using System.Globalization;
using Npgsql;

namespace OrleansJobs.Storage;

/// <summary>
/// Creates and migrates the clustered mode's PostgreSQL database: the job table, and the tables and queries of
/// Orleans' ADO.NET clustering, reminders and grain storage. Scripts are the embedded <c>Postgres/NNN-name.sql</c>
/// files, applied in number order, each in its own transaction; <c>schema_version</c> records each one, so a later
/// change is a new script. The scripts are idempotent as well. Needs PostgreSQL 15 or later (the grain storage
/// table's unique index uses NULLS NOT DISTINCT).
/// </summary>
public static class PostgresSchema
{
    private const string ResourcePrefix = "OrleansJobs.Storage.Postgres.";

    /// <summary>
    /// Key of the transaction-level advisory lock that every migration transaction takes first, so that silos
    /// starting together against one database apply each script once, one after the other.
    /// </summary>
    private const long MigrationLockKey = 0x4F724A6F62734D67; // "OrJobsMg"

    /// <summary>Applies the scripts not yet recorded. Safe to run at every start, and from several processes at once.</summary>
    public static async Task ApplyAsync(string connectionString, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);

        await InTransactionAsync(connection, ct, transaction => ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version
            (
                version    integer     NOT NULL PRIMARY KEY,
                script     text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, ct));

        foreach (var script in SchemaScript.Under(ResourcePrefix))
        {
            await InTransactionAsync(connection, ct, async transaction =>
            {
                // Checked under the lock: of several starters, the first applies the script and the others see it recorded.
                await using var applied = new NpgsqlCommand("SELECT 1 FROM schema_version WHERE version = @version", connection, transaction);
                applied.Parameters.AddWithValue("version", script.Version);
                if (await applied.ExecuteScalarAsync(ct) is not null)
                {
                    return;
                }

                await ExecuteAsync(connection, transaction, script.ReadText(), ct);
                await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, script) VALUES (@version, @script)", connection, transaction);
                record.Parameters.AddWithValue("version", script.Version);
                record.Parameters.AddWithValue("script", script.Name);
                await record.ExecuteNonQueryAsync(ct);
            });
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction that first takes the migration lock (released by the commit or rollback).</summary>
    private static async Task InTransactionAsync(NpgsqlConnection connection, CancellationToken ct, Func<NpgsqlTransaction, Task> work)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(ct);
        }

        await work(transaction);
        await transaction.CommitAsync(ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(ct);
    }
}
