using System.Collections.Concurrent;
using Hangfire;
using Hangfire.PostgreSql;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// Hangfire with Hangfire.PostgreSql in this process: a <see cref="BackgroundJobServer"/> and its client API
/// (<see cref="BackgroundJob.Enqueue(System.Linq.Expressions.Expression{Action})"/>, <c>Schedule</c>). Times are taken by the
/// job methods themselves (<see cref="HangfireProbe"/>) on the same clock as the submits.
/// </summary>
public sealed class HangfireSystem : IJobSystem
{
    /// <summary>Polling when tuned: Hangfire.PostgreSql's queue poll and Hangfire's schedule poll, both 15 s by default.</summary>
    public static readonly TimeSpan TunedPollInterval = TimeSpan.FromSeconds(1);

    private readonly BackgroundJobServer _server;

    private HangfireSystem(string name, string database, BackgroundJobServer server)
    {
        Name = name;
        Database = database;
        _server = server;
    }

    public string Name { get; }
    public string Database { get; }

    /// <param name="tuned">False: Hangfire's and Hangfire.PostgreSql's defaults. True: both polling intervals at <see cref="TunedPollInterval"/>.</param>
    /// <param name="schema">Hangfire's tables go into this schema of <paramref name="database"/> (created if missing).</param>
    public static HangfireSystem Start(string name, string schema, string database, string connectionString, int workers, bool tuned)
    {
        var storageOptions = new PostgreSqlStorageOptions { SchemaName = schema, PrepareSchemaIfNecessary = true };
        if (tuned) storageOptions.QueuePollInterval = TunedPollInterval;
        // Sets JobStorage.Current, which the static BackgroundJob client uses.
        GlobalConfiguration.Configuration.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), storageOptions);
        var serverOptions = new BackgroundJobServerOptions { WorkerCount = workers, ServerName = $"bench-{name}" };
        if (tuned) serverOptions.SchedulePollingInterval = TunedPollInterval;
        return new HangfireSystem(name, database, new BackgroundJobServer(serverOptions, JobStorage.Current));
    }

    public Task SubmitAsync(JobOrder order, CancellationToken cancellationToken)
    {
        // Hangfire's client is synchronous: run it off the caller's thread, as a web app's request thread would.
        return Task.Run(() =>
        {
            var (workload, index) = (order.Workload, order.Index);
            if (order.FailFirstAttempt) BackgroundJob.Enqueue(() => HangfireProbe.FailFirstAttempt(workload, index));
            else if (order.RunAt is { } runAt) BackgroundJob.Schedule(() => HangfireProbe.Run(workload, index, runAt), runAt);
            else BackgroundJob.Enqueue(() => HangfireProbe.Run(workload, index, null));
        }, cancellationToken);
    }

    public Task<bool> IsDrainedAsync(string workload, int submitted, CancellationToken cancellationToken) =>
        Task.FromResult(HangfireProbe.Succeeded(workload) >= submitted);

    public Task<IReadOnlyList<JobTimes>> ReadAsync(string workload, CancellationToken cancellationToken) =>
        Task.FromResult(HangfireProbe.Read(workload));

    public ValueTask DisposeAsync()
    {
        _server.SendStop();
        _server.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The benchmark's Hangfire jobs: each records its attempt's start and end (and due time, for the delayed ones).</summary>
public static class HangfireProbe
{
    /// <summary>The wait before the retry <see cref="FailFirstAttempt"/> asks for, as OrleansJobs' W4 jobs do.</summary>
    public const int RetryDelaySeconds = 1;

    private static readonly ConcurrentDictionary<(string Workload, int Index), List<AttemptTimes>> Attempts = new();
    private static readonly ConcurrentDictionary<string, int> SucceededCounts = new();

    public static void Run(string workload, int index, DateTimeOffset? dueAt)
    {
        var started = DateTimeOffset.UtcNow;
        Record(workload, index, new AttemptTimes(started, DateTimeOffset.UtcNow, dueAt), succeeded: true);
    }

    [AutomaticRetry(Attempts = 1, DelaysInSeconds = [RetryDelaySeconds])]
    public static void FailFirstAttempt(string workload, int index)
    {
        var started = DateTimeOffset.UtcNow;
        var previous = Attempts.TryGetValue((workload, index), out var list) ? list : null;
        var dueAt = previous is { Count: > 0 } ? previous[^1].EndedAt + TimeSpan.FromSeconds(RetryDelaySeconds) : null;
        var first = previous is null or { Count: 0 };
        Record(workload, index, new AttemptTimes(started, DateTimeOffset.UtcNow, dueAt), succeeded: !first);
        if (first) throw new InvalidOperationException("The first attempt fails on purpose.");
    }

    public static int Succeeded(string workload) => SucceededCounts.GetValueOrDefault(workload);

    public static IReadOnlyList<JobTimes> Read(string workload) =>
        [.. Attempts.Where(e => e.Key.Workload == workload).Select(e => { lock (e.Value) return new JobTimes(e.Key.Index, [.. e.Value]); })];

    private static void Record(string workload, int index, AttemptTimes attempt, bool succeeded)
    {
        var list = Attempts.GetOrAdd((workload, index), _ => []);
        lock (list) list.Add(attempt);
        if (succeeded) SucceededCounts.AddOrUpdate(workload, 1, (_, n) => n + 1);
    }
}
