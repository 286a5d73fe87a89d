using System.Collections.Concurrent;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Silo.Fuzz;

/// <summary>
/// Collects the error lines (<c>fail:</c>, <c>crit:</c>) a silo process logs while it runs. The process keeps only its
/// last lines (<see cref="SiloProcess.RecentOutput"/>), so they are read often, not once at the end. SignalR logs a hub's
/// refusal (a <c>HubException</c> the hub throws on purpose, such as "no job has the id") at the error level too; those
/// are answers, not failures, and are left out.
/// </summary>
public sealed class LogWatch : IDisposable
{
    private readonly SiloProcess _silo;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private LogWatch(SiloProcess silo)
    {
        _silo = silo;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Each error line once, in the order first seen.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    private readonly HashSet<string> _seen = [];

    public static LogWatch Start(SiloProcess silo) => new(silo);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Read();
            try { await Task.Delay(200, _stop.Token); } catch (OperationCanceledException) { }
        }
        Read();
    }

    private void Read()
    {
        foreach (var line in _silo.RecentOutput().Split('\n'))
            if ((line.Contains(" fail: ", StringComparison.Ordinal) || line.Contains(" crit: ", StringComparison.Ordinal))
                && !line.Contains("Microsoft.AspNetCore.SignalR.HubException: ", StringComparison.Ordinal) && _seen.Add(line))
                Lines.Enqueue(line);
    }

    /// <summary>Stops watching after one last read.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait();
        _stop.Dispose();
    }
}
