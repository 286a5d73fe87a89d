using Npgsql;

namespace OrleansJobs.Storage;

/// <param name="ConnectionString">An Npgsql connection string to the cluster's database.</param>
public sealed record PostgresJobStoreOptions(string ConnectionString)
{
    /// <summary>
    /// Most writes (or reads) sent in one statement and committed together. A write loop takes whatever has queued
    /// while its previous batch committed, so this only caps a backlog (after a slow commit, say) and is rarely reached.
    /// </summary>
    public int MaxBatchSize { get; init; } = 256;

    /// <summary>
    /// Write loops, each with its own connection; a job always goes to the same one. One is the default: the writes
    /// that queue while its batch commits all go out in the next one, so the commits per job fall as the load rises
    /// (group commit). Several loops split the same writes into smaller batches on several connections, each paying
    /// its own round trip and commit: with 4, a 20,000-job burst took 22,000 commits instead of 6,700, and the
    /// machine's CPU per job rose from about 0.6–0.9 ms to 1.1–1.4 ms (bench/Compare W1). One loop sends a batch every
    /// commit's round trip (about a millisecond on loopback), up to <see cref="MaxBatchSize"/> writes each.
    /// </summary>
    public int WriterCount { get; init; } = 1;

    /// <summary>Read loops serving grain activations (also batched).</summary>
    public int ReaderCount { get; init; } = 2;

    /// <summary>
    /// The session setting that makes PostgreSQL plan every execution of a prepared statement for its arguments. Left
    /// to itself (<c>auto</c>), after five executions PostgreSQL may switch to one generic plan for all arguments, made
    /// from the table's statistics of that moment. Made while the job table was still (nearly) empty, that plan reads
    /// the whole table: the store's batched update became a hash join over a sequential scan, which stayed in use as the
    /// table grew until autovacuum next analysed it. A burst on a fresh database then ran at a third of its rate, the
    /// database doing five times the work (bench/Compare, docs/benchmarks.md). Planning costs about a tenth of a
    /// millisecond a statement, and a batched statement carries several jobs; the store's insert, whose plan cannot
    /// depend on the table, is let keep one plan (<see cref="PostgresWriteBatch"/>).
    /// </summary>
    public const string CustomPlans = "-c plan_cache_mode=force_custom_plan";

    /// <summary>
    /// The connection string the store (and Orleans' ADO.NET providers) use: the caller's, with defaults that matter
    /// for a job service filled in where the caller did not choose. Pooled connections are not reset on return
    /// (Npgsql's reset is a transaction of its own on every open), a connect attempt gives up after a few seconds,
    /// so that an unreachable database turns into a prompt 503 rather than a hang, and statements used again and again
    /// are prepared automatically. A prepared statement is still planned for the arguments of each execution: the
    /// startup <c>Options</c> are <see cref="CustomPlans"/> unless the caller gave options of their own (then include it
    /// in them; an empty <c>Options=</c> leaves PostgreSQL's default, for a pooler that refuses the setting).
    /// </summary>
    public static string Tune(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Mentions(connectionString, "No Reset On Close", "NoResetOnClose")) builder.NoResetOnClose = true;
        if (!Mentions(connectionString, "Timeout")) builder.Timeout = 5;
        if (!Mentions(connectionString, "Command Timeout", "CommandTimeout")) builder.CommandTimeout = 15;
        if (!Mentions(connectionString, "Application Name", "ApplicationName")) builder.ApplicationName = "OrleansJobs";
        // The job path sends the same few statements over and over: prepared once per connection, PostgreSQL skips
        // parsing them every time (measured: the parser was among its busiest functions under a burst) ...
        if (!Mentions(connectionString, "Max Auto Prepare", "MaxAutoPrepare")) builder.MaxAutoPrepare = 32;
        // ... and still plans each execution for its arguments (see CustomPlans).
        if (!Mentions(connectionString, "Options")) builder.Options = CustomPlans;
        return builder.ConnectionString;
    }

    private static bool Mentions(string connectionString, params string[] keys) =>
        connectionString.Split(';').Select(part => part.Split('=')[0].Trim())
            .Any(key => keys.Any(k => string.Equals(key, k, StringComparison.OrdinalIgnoreCase)));
}
