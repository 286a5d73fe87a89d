using Microsoft.Data.Sqlite;
using OrleansJobs.Storage;

namespace OrleansJobs.Tests.Grains.Storage;

/// <summary>A fresh SQLite file per test, deleted afterwards together with its WAL files.</summary>
public sealed class TempDatabase : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"orleansjobs-{Guid.NewGuid():N}.db");

    public SqliteJobStoreOptions Options => new(Path);

    public string ConnectionString => Options.ConnectionString;

    /// <summary>An unpooled connection for checking what landed in the file.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public object? Scalar(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public void Dispose()
    {
        SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }
    }
}
