using OrleansJobs.Handlers;

namespace OrleansJobs.Jobs;

/// <summary>Keeps the latest progress a handler reported; read by the grain, written from the handler's thread.</summary>
public sealed class ProgressSlot(TimeProvider time) : IJobProgressReporter
{
    private JobProgress? _latest;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobProgress? Latest => Volatile.Read(ref _latest);

    /// <summary>Completes at the first report after the last <see cref="ResetChanged"/>.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>Arms <see cref="Changed"/> for the next report; call before reading <see cref="Latest"/>.</summary>
    public void ResetChanged()
    {
        if (Volatile.Read(ref _changed).Task.IsCompleted)
            Volatile.Write(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    public void Report(double? percent, string? message = null)
    {
        if (percent is { } p && (double.IsNaN(p) || p < 0 || p > 100))
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "Progress is a percentage from 0 to 100.");
        Volatile.Write(ref _latest, new JobProgress(percent, message, time.GetUtcNow()));
        Volatile.Read(ref _changed).TrySetResult();
    }
}
