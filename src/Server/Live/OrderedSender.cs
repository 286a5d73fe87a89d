using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Live;

/// <summary>Sends one connection's events of one job in increasing sequence, dropping any it has already passed.</summary>
public sealed class OrderedSender(Func<JobEvent, Task> send)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _last = -1;

    public async Task SendAsync(JobEvent jobEvent)
    {
        await _gate.WaitAsync();
        try
        {
            if (jobEvent.Sequence <= _last) return;
            _last = jobEvent.Sequence;
            await send(jobEvent);
        }
        finally
        {
            _gate.Release();
        }
    }
}
