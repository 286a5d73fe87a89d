using Microsoft.Extensions.Logging;

namespace OrleansJobs.Client;

/// <summary>
/// One run of a .NET worker (<see cref="OrleansJobsClient.RunWorkerAsync"/>): leases jobs while it has free slots, one
/// long-poll at a time asking for as many as are free, and runs each leased job on its own (<see cref="LeasedJob"/>).
/// When told to stop it leases no more and lets the jobs it holds finish, for up to <see cref="OrleansJobsWorkerOptions.StopTimeout"/>.
/// </summary>
internal sealed partial class WorkerLoop(OrleansJobsClient client, OrleansJobsWorkerOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public async Task RunAsync(CancellationToken stop)
    {
        // A copy: handlers registered after the start do not change a running worker.
        var handlers = new Dictionary<string, WorkerJobHandler>(options.Handlers, StringComparer.Ordinal);
        var types = handlers.Keys.ToArray();
        using var slots = new SemaphoreSlim(options.MaxConcurrentJobs, options.MaxConcurrentJobs);
        using var abort = new CancellationTokenSource();
        var running = new List<Task>();
        LogStarted(options.Name, string.Join(", ", types));
        try
        {
            var backoff = FirstBackoff;
            while (!stop.IsCancellationRequested)
            {
                await slots.WaitAsync(stop).ConfigureAwait(false);
                var free = 1;
                while (free < options.MaxConcurrentJobs && slots.Wait(0)) free++;
                IReadOnlyList<JobLease> leased;
                try
                {
                    leased = await client.LeaseAsync(options.Name, types, free, options.PollWait, options.LeaseDuration, stop).ConfigureAwait(false);
                    backoff = FirstBackoff;
                }
                catch (Exception ex) when (TransientErrors.Is(ex) && !stop.IsCancellationRequested)
                {
                    slots.Release(free);
                    LogLeaseFailed(ex, backoff);
                    await Task.Delay(TransientErrors.RetryAfter(ex) ?? backoff, time, stop).ConfigureAwait(false);
                    backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
                    continue;
                }
                catch
                {
                    slots.Release(free);
                    throw;
                }
                if (leased.Count < free) slots.Release(free - leased.Count);
                running.RemoveAll(job => job.IsCompleted);
                foreach (var lease in leased)
                {
                    var job = new LeasedJob(client, lease, options, time, logger);
                    handlers.TryGetValue(lease.Type, out var handler);
                    running.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await job.RunAsync(handler, abort.Token).ConfigureAwait(false);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    }, CancellationToken.None));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Told to stop while waiting for a slot, a lease or a backoff: nothing was leased by the call cut short.
        }
        finally
        {
            await DrainAsync(running, abort).ConfigureAwait(false);
        }
        LogStopped(options.Name);
    }

    /// <summary>Lets the held jobs finish; those still running after the stop timeout have their handlers' tokens cancelled.</summary>
    private async Task DrainAsync(List<Task> running, CancellationTokenSource abort)
    {
        var all = Task.WhenAll(running);
        if (!all.IsCompleted)
        {
            LogDraining(running.Count(job => !job.IsCompleted), options.StopTimeout);
            using var patience = new CancellationTokenSource();
            var timeout = Task.Delay(options.StopTimeout, time, patience.Token);
            if (await Task.WhenAny(all, timeout).ConfigureAwait(false) == all) await patience.CancelAsync().ConfigureAwait(false);
            else await abort.CancelAsync().ConfigureAwait(false);
        }
        await all.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} started: job types {Types}")]
    private partial void LogStarted(string worker, string types);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker {Worker} stopped")]
    private partial void LogStopped(string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease request failed; asking again in {Backoff}")]
    private partial void LogLeaseFailed(Exception exception, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: {Count} held jobs may finish within {Timeout}")]
    private partial void LogDraining(int count, TimeSpan timeout);
}
