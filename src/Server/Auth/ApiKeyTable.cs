using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using OrleansJobs.Server.Hosting;

namespace OrleansJobs.Server.Auth;

/// <summary>
/// The <c>api_keys</c> table of the job database (SQLite or PostgreSQL), so that every silo of a cluster knows the keys
/// the <c>keys</c> command adds and revokes. It holds names, hashes and scopes; never a secret.
/// </summary>
public sealed class ApiKeyTable(JobDatabase database)
{
    /// <summary>The most keys the table may hold.</summary>
    public const int MaxKeys = ApiKeyStore.MaxKeys;

    /// <summary>Every stored key, by name.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT name, sha256, scopes FROM api_keys ORDER BY name LIMIT {MaxKeys}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKey>();
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(new ApiKey(reader.GetString(0), Convert.FromHexString(reader.GetString(1)), ApiKey.ParseScopes([reader.GetString(2)])));
        return keys;
    }

    /// <summary>Adds <paramref name="name"/> with a new secret and returns the secret (shown once); false when the name is taken.</summary>
    public async Task<string?> AddAsync(string name, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        if ((await ListAsync(cancellationToken)).Count >= MaxKeys) throw new InvalidOperationException($"The job database holds {MaxKeys} keys already.");
        var secret = ApiKey.NewSecret();
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            "INSERT INTO api_keys (name, sha256, scopes, created_at) VALUES (@name, @sha256, @scopes, @created) ON CONFLICT (name) DO NOTHING",
            ("name", name), ("sha256", Convert.ToHexStringLower(ApiKey.Hash(secret))), ("scopes", string.Join(',', scopes)),
            ("created", DateTimeOffset.UtcNow.ToString("O")));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? secret : null;
    }

    /// <summary>Removes <paramref name="name"/>; false when there was no such key.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "DELETE FROM api_keys WHERE name = @name", ("name", name));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = database.IsPostgres ? new NpgsqlConnection(database.ConnectionString) : new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
