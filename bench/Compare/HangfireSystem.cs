using System.Collections.Concurrent;
using Hangfire;
using Hangfire.PostgreSql;

namespace OrleansJobs.Bench.Compare;

/// <summary>
/// Hangfire with Hangfire.PostgreSql in this process: a <see cref="BackgroundJobServer"/> and its client API
/// (<see cref="BackgroundJobClient"/>'s <c>Enqueue</c> and <c>Schedule</c>, what the static <c>BackgroundJob</c> calls; a client
/// of its own per system, bound to that system's storage: the static one caches a client made on first use). Times are taken by the
/// job methods themselves (<see cref="HangfireProbe"/>) on the same clock as the submits.
/// </summary>
public sealed class HangfireSystem : IJobSystem
{
    /// <summary>Polling when tuned: Hangfire.PostgreSql's queue poll and Hangfire's schedule poll, both 15 s by default.</summary>
    public static readonly TimeSpan TunedPollInterval = TimeSpan.FromSeconds(1);

    /// <summary>Threads of our own that call Hangfire's blocking client, like a web app's request threads would.</summary>
    private const int SubmitThreads = 32;

    private readonly BackgroundJobServer _server;
    private readonly BackgroundJobClient _client;
    private readonly BlockingCollection<(JobOrder Order, TaskCompletionSource Done)> _submits = new();
    private readonly Thread[] _submitters;

    private HangfireSystem(string name, string database, JobStorage storage, BackgroundJobServer server)
    {
        Name = name;
        Database = database;
        _server = server;
        _client = new BackgroundJobClient(storage);
        _submitters = [.. Enumerable.Range(0, SubmitThreads).Select(i => new Thread(SubmitLoop) { IsBackground = true, Name = $"hangfire-submit-{i}" })];
        foreach (var thread in _submitters) thread.Start();
    }

    public string Name { get; }
    public string Database { get; }

    /// <param name="tuned">False: Hangfire's and Hangfire.PostgreSql's defaults. True: both polling intervals at <see cref="TunedPollInterval"/>.</param>
    /// <param name="schema">Hangfire's tables go into this schema of <paramref name="database"/> (created if missing).</param>
    public static HangfireSystem Start(string name, string schema, string database, string connectionString, int workers, bool tuned)
    {
        var storageOptions = new PostgreSqlStorageOptions { SchemaName = schema, PrepareSchemaIfNecessary = true };
        if (tuned) storageOptions.QueuePollInterval = TunedPollInterval;
        var storage = GlobalConfiguration.Configuration.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), storageOptions).Entry;
        var serverOptions = new BackgroundJobServerOptions { WorkerCount = workers, ServerName = $"bench-{name}" };
        if (tuned) serverOptions.SchedulePollingInterval = TunedPollInterval;
        return new HangfireSystem(name, database, storage, new BackgroundJobServer(serverOptions, storage));
    }

    /// <summary>
    /// Hangfire's client blocks its thread for the whole enqueue: it runs on threads of its own, not the thread pool, which
    /// the load generator's timers need (an open-loop load would otherwise starve its own schedule).
    /// </summary>
    public Task SubmitAsync(JobOrder order, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _submits.Add((order, done), cancellationToken);
        return done.Task.WaitAsync(cancellationToken);
    }

    private void SubmitLoop()
    {
        foreach (var (order, done) in _submits.GetConsumingEnumerable())
        {
            try
            {
                var (workload, index) = (order.Workload, order.Index);
                if (order.FailFirstAttempt) _client.Enqueue(() => HangfireProbe.FailFirstAttempt(workload, index));
                else if (order.RunAt is { } runAt) _client.Schedule(() => HangfireProbe.Run(workload, index, runAt), runAt);
                else _client.Enqueue(() => HangfireProbe.Run(workload, index, null));
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        }
    }

    public Task<bool> IsDrainedAsync(string workload, int submitted, CancellationToken cancellationToken) =>
        Task.FromResult(HangfireProbe.Succeeded(workload) >= submitted);

    public Task<IReadOnlyList<JobTimes>> ReadAsync(string workload, CancellationToken cancellationToken) =>
        Task.FromResult(HangfireProbe.Read(workload));

    public ValueTask DisposeAsync()
    {
        // Submits still queued when a workload's time cap passed are dropped: nobody waits for them any more.
        _submits.CompleteAdding();
        while (_submits.TryTake(out var dropped)) dropped.Done.TrySetCanceled();
        foreach (var thread in _submitters) thread.Join();
        _submits.Dispose();
        _server.SendStop();
        _server.Dispose();
        return ValueTask.CompletedTask;
    }
}
