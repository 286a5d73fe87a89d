using System.Diagnostics;

namespace OrleansJobs.Jobs;

/// <summary>
/// What an attempt holds from just before its Running write until its outcome is written: its cancellation, its handler
/// slot on this silo, and its span in the submitter's trace. Disposing gives all of it back.
/// </summary>
public sealed class AttemptHold(CancellationTokenSource cancellation, IDisposable slot, Activity? span) : IDisposable
{
    private bool _disposed;

    public CancellationTokenSource Cancellation { get; } = cancellation;

    public Activity? Span { get; } = span;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Span?.Dispose();
        slot.Dispose();
        Cancellation.Dispose();
    }
}
