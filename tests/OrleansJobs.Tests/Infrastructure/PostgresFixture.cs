using Npgsql;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// A fresh PostgreSQL database for one test class (<c>IClassFixture&lt;PostgresFixture&gt;</c>), created on the
/// server scripts/test.sh prepares and dropped when the class is done.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "ORLEANSJOBS_TEST_POSTGRES";

    /// <summary>The connection string scripts/test.sh exports. Missing means a failed test, never a skipped one.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } connectionString
            ? connectionString
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, and this test needs PostgreSQL. Run scripts/test.sh, which starts " +
                "PostgreSQL and sets it, or set it yourself to an Npgsql connection string " +
                "(Host=127.0.0.1;Port=5432;Username=…;Password=…;Database=…) of a user allowed to CREATE DATABASE.");

    public string DatabaseName { get; private set; } = "";

    /// <summary>Connects to this fixture's own database.</summary>
    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(ServerConnectionString);
        // Named after the run's database so scripts/test.sh also drops it if this process dies before DisposeAsync.
        var prefix = server.Database is { Length: > 0 } runDatabase ? runDatabase[..Math.Min(runDatabase.Length, 40)] : "orleansjobs_test";
        DatabaseName = $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        await ExecuteOnServerAsync($"CREATE DATABASE {QuotedName}");
        ConnectionString = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = DatabaseName }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        if (ConnectionString.Length == 0)
        {
            return;
        }

        await using (var pooled = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        // FORCE: a silo under test may still hold connections. An autovacuum worker busy in the database (after a test
        // that wrote many rows) runs as the bootstrap superuser, which this role may not terminate (42501): it is told
        // to stop by the drop itself, so the drop is tried again shortly.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {QuotedName} WITH (FORCE)");
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    /// <summary>Runs <paramref name="sql"/> on this fixture's own database and returns the first column of its first row.</summary>
    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private string QuotedName => $"\"{DatabaseName.Replace("\"", "\"\"")}\"";

    private static async Task ExecuteOnServerAsync(string sql)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
