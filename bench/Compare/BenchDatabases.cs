using Npgsql;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// The run's own databases on the given server, one per system, dropped at the end (also after a failure or Ctrl-C:
/// the driver disposes this in a finally block).
/// </summary>
public sealed class BenchDatabases : IAsyncDisposable
{
    private readonly string _server;

    private BenchDatabases(string server, string run)
    {
        _server = server;
        OrleansJobs = run + "_oj";
        Hangfire = run + "_hf";
        JobsPage = run + "_jp";
        Cluster = run + "_cl";
        Floor = run + "_fl";
    }

    public string OrleansJobs { get; }
    public string Hangfire { get; }

    /// <summary>W8's: the generated million jobs, in a database of their own so that no other workload's figures see them.</summary>
    public string JobsPage { get; }

    /// <summary>W9's: one silo and a cluster of two taking turns on a database no other workload writes to.</summary>
    public string Cluster { get; }

    /// <summary>The database floor's: recreated for each of its readings (<see cref="RecreateAsync"/>), so each starts from an empty table.</summary>
    public string Floor { get; }

    private string[] All => [OrleansJobs, Hangfire, JobsPage, Cluster, Floor];

    public static async Task<BenchDatabases> CreateAsync(string server)
    {
        var run = $"orleansjobs_bench_{Guid.NewGuid():N}"[..26];
        var databases = new BenchDatabases(server, run);
        await databases.ExecuteAsync($"CREATE DATABASE {databases.OrleansJobs}");
        try
        {
            await databases.ExecuteAsync($"CREATE DATABASE {databases.Hangfire}");
            await databases.ExecuteAsync($"CREATE DATABASE {databases.JobsPage}");
            await databases.ExecuteAsync($"CREATE DATABASE {databases.Cluster}");
        }
        catch
        {
            await databases.DisposeAsync();
            throw;
        }
        return databases;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder(_server) { Database = database }.ConnectionString;

    /// <summary>Commits of every backend connected to <paramref name="database"/>, as PostgreSQL's statistics last heard of them.</summary>
    public async Task<long> CommitsAsync(string database)
    {
        await using var connection = await OpenMaintenanceAsync();
        await using var command = new NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The server's write-ahead log position now, in bytes from its start (<c>pg_current_wal_lsn()</c>; no superuser
    /// needed). The log is the whole server's: what other databases write at the same time counts too.
    /// </summary>
    public async Task<long> WalPositionAsync()
    {
        await using var connection = await OpenMaintenanceAsync();
        await using var command = new NpgsqlCommand("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Connections to <paramref name="database"/> now (<c>pg_stat_activity</c>), idle ones in a pool included.</summary>
    public async Task<int> ConnectionsAsync(string database)
    {
        await using var connection = await OpenMaintenanceAsync();
        await using var command = new NpgsqlCommand("SELECT count(*)::int FROM pg_stat_activity WHERE datname = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = database });
        return (int)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Drops <paramref name="database"/> (one of this run's) and creates it again, empty.</summary>
    public async Task RecreateAsync(string database)
    {
        if (!All.Contains(database)) throw new ArgumentException($"{database} is not one of this run's databases.", nameof(database));
        await DropAsync(database);
        await ExecuteAsync($"CREATE DATABASE {database}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var database in All)
            await DropAsync(database);
    }

    /// <summary>
    /// FORCE ends this run's own connections, but refuses to end a server process of another role (an autovacuum worker)
    /// that happens to be in the database; a plain DROP ends an autovacuum worker by itself, but no connection. So the
    /// attempts alternate, forced and plain, a second apart after a plain one fails, ten of each at most.
    /// </summary>
    private async Task DropAsync(string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            var force = attempt % 2 == 1;
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS {database}" + (force ? " WITH (FORCE)" : ""));
                return;
            }
            catch (NpgsqlException) when (force)
            {
            }
            catch (NpgsqlException ex) when (attempt < 20)
            {
                Console.Error.WriteLine($"Could not drop database {database} yet ({ex.Message}); retrying");
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (NpgsqlException ex)
            {
                Console.Error.WriteLine($"Could not drop database {database}: {ex.Message}");
                return;
            }
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenMaintenanceAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenMaintenanceAsync()
    {
        var maintenance = new NpgsqlConnectionStringBuilder(_server) { Database = "postgres", Pooling = false };
        var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
