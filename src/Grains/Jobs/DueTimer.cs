using Microsoft.Extensions.Options;

namespace OrleansJobs.Jobs;

/// <summary>
/// A job activation's precise timer for its next due time (a run time, a retry), held only while that time is less than
/// <see cref="JobServiceOptions.ArmAhead"/> away: later ones are the sweeper's, which wakes the job when they come near.
/// </summary>
public sealed class DueTimer(IGrainBase grain, TimeProvider time, IOptions<JobServiceOptions> options, Func<Task> onDue)
{
    private IGrainTimer? _timer;

    /// <summary>Whether <paramref name="due"/> is near enough for this timer (rather than the sweeper) to keep.</summary>
    public bool IsSoon(DateTimeOffset? due) => due is { } d && d - time.GetUtcNow() <= options.Value.ArmAhead;

    /// <summary>Fires <c>onDue</c> at <paramref name="due"/> if it is soon; replaces any earlier arming.</summary>
    public void Arm(DateTimeOffset due)
    {
        Disarm();
        if (!IsSoon(due)) return;
        var wait = due - time.GetUtcNow();
        _timer = grain.RegisterGrainTimer(_ =>
        {
            Disarm();
            return onDue();
        }, new GrainTimerCreationOptions(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            KeepAlive = true,
        });
    }

    public void Disarm()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
