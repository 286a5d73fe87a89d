using OrleansJobs.Jobs;
using OrleansJobs.Retries;
using OrleansJobs.Storage;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Where a silo keeps its jobs, grain state, reminders and membership: PostgreSQL when the <c>OrleansJobs</c>
/// connection string is set (clustered mode), else an embedded SQLite file in <see cref="JobServiceOptions.DataDirectory"/>.
/// The job store and the Orleans providers read the same database, so the choice is made once, here.
/// </summary>
public sealed class JobDatabase
{
    /// <summary>Set = clustered mode on PostgreSQL; unset = embedded SQLite.</summary>
    public const string ConnectionStringName = "OrleansJobs";

    /// <summary>Orleans' ADO.NET layer maps this invariant to Microsoft.Data.Sqlite.</summary>
    private const string SqliteInvariant = "System.Data.SQLite";

    private const string PostgresInvariant = "Npgsql";

    private JobDatabase(string connectionString, string? sqlitePath)
    {
        ConnectionString = connectionString;
        SqlitePath = sqlitePath;
    }

    /// <summary>PostgreSQL's tuned for the job path, or SQLite's for the embedded file.</summary>
    public string ConnectionString { get; }

    /// <summary>The embedded database file; null in clustered mode.</summary>
    public string? SqlitePath { get; }

    public bool IsPostgres => SqlitePath is null;

    /// <summary>The name Orleans' ADO.NET providers know this database's client by.</summary>
    public string AdoNetInvariant => IsPostgres ? PostgresInvariant : SqliteInvariant;

    /// <summary>The database <paramref name="configuration"/> names; for SQLite, creates its directory under <paramref name="contentRoot"/>.</summary>
    public static JobDatabase From(IConfiguration configuration, JobServiceOptions settings, string contentRoot)
    {
        if (configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } configured)
            return new JobDatabase(PostgresJobStoreOptions.Tune(configured), sqlitePath: null);

        var dataDirectory = Path.GetFullPath(settings.DataDirectory, contentRoot);
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, "orleansjobs.db");
        return new JobDatabase(new SqliteJobStoreOptions(path).ConnectionString, path);
    }

    /// <summary>
    /// Applies the schema. PostgreSQL is waited for first (a silo may start before it does, as in a compose file or
    /// after a host reboot): up to a minute of retries on connection errors, then the error.
    /// </summary>
    public async Task ApplySchemaAsync(CancellationToken cancellationToken)
    {
        if (!IsPostgres)
        {
            await SqliteSchema.ApplyAsync(ConnectionString, cancellationToken);
            return;
        }

        var deadline = DateTime.UtcNow.AddMinutes(1);
        foreach (var delay in BackoffPolicy.Delays(TimeSpan.FromMilliseconds(250), multiplier: 2, TimeSpan.FromSeconds(5)))
        {
            try
            {
                await PostgresSchema.ApplyAsync(ConnectionString, cancellationToken);
                return;
            }
            catch (Exception ex) when (PostgresJobStore.Translate(ex) is JobServiceUnavailableException && DateTime.UtcNow + delay < deadline)
            {
                Console.Error.WriteLine($"PostgreSQL is not reachable yet ({ex.GetBaseException().Message}); retrying in {delay.TotalSeconds:0.##} s");
                await Task.Delay(delay, cancellationToken);
            }
        }
    }
}
