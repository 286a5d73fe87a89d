using System.Collections.Concurrent;
using Hangfire;
using Hangfire.PostgreSql;

namespace OrleansJobs.Bench.Compare;

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
