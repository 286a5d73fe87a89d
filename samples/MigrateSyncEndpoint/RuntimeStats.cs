using System.Diagnostics;

namespace MigrateSyncEndpoint;

/// <summary>
/// What the thread pool did: a dedicated thread (not one of the pool's, so that a starved pool cannot stop it) samples
/// the pool's thread count and queue length every 50 ms and keeps the highest since the last <see cref="Reset"/>, with
/// the process's CPU time over the same span.
/// </summary>
public sealed class RuntimeStats : IDisposable
{
    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private int maxThreads;
    private long maxQueue;
    private TimeSpan cpuAtReset;
    private long resetAt;

    public RuntimeStats()
    {
        Reset();
        new Thread(Sample) { IsBackground = true, Name = "runtime-stats" }.Start();
    }

    /// <summary>Starts a new span: highest values from now, CPU from now.</summary>
    public void Reset()
    {
        lock (gate)
        {
            maxThreads = ThreadPool.ThreadCount;
            maxQueue = ThreadPool.PendingWorkItemCount;
            cpuAtReset = Process.GetCurrentProcess().TotalProcessorTime;
            resetAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The span so far: highest pool threads and queue, and CPU as a percentage of one core.</summary>
    public RuntimeSnapshot Read()
    {
        lock (gate)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtReset;
            var wall = Stopwatch.GetElapsedTime(resetAt);
            return new RuntimeSnapshot(maxThreads, maxQueue, ThreadPool.ThreadCount, 100 * cpu / wall, Environment.ProcessorCount);
        }
    }

    private void Sample()
    {
        while (!stopping.IsCancellationRequested)
        {
            lock (gate)
            {
                maxThreads = Math.Max(maxThreads, ThreadPool.ThreadCount);
                maxQueue = Math.Max(maxQueue, ThreadPool.PendingWorkItemCount);
            }
            stopping.Token.WaitHandle.WaitOne(50);
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        stopping.Dispose();
    }
}
