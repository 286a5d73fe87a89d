namespace MigrateSyncEndpoint;

/// <summary>What <see cref="RuntimeStats.Read"/> returns: highest pool threads and queue in the span, threads now, CPU.</summary>
public sealed record RuntimeSnapshot(int MaxPoolThreads, long MaxQueueLength, int PoolThreadsNow, double CpuPercentOfOneCore, int Cores);
