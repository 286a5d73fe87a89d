using Microsoft.Data.Sqlite;

namespace OrleansJobs.Storage;

internal static class SqliteConnections
{
    /// <summary>
    /// A dedicated (unpooled) connection for writing. WAL lets readers run beside the writer; synchronous=FULL
    /// syncs the log on every commit, so an acknowledged write survives power loss; busy_timeout makes SQLite wait
    /// for the write lock (Orleans' ADO.NET providers write to the same file) instead of failing at once.
    /// </summary>
    public static SqliteConnection OpenForWriting(string connectionString)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";
        command.ExecuteNonQuery();
        return connection;
    }

    /// <summary>
    /// A pooled connection for reading. WAL readers never wait for the writer; in the rare busy cases
    /// (log recovery) Microsoft.Data.Sqlite retries until the command timeout.
    /// </summary>
    public static SqliteConnection OpenForReading(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }
}
