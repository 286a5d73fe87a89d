namespace OrleansJobs.Jobs;

/// <summary>
/// When a job's activation runs an attempt: the small state machine beside <see cref="JobLifecycle"/> that decides
/// whether a request for an attempt starts the attempt loop, is served by the loop's next pass, or is left to a fresh
/// activation. Pure: <see cref="AttemptLoop"/> asks it and does what it says.
/// <code>
///            request (start the loop)              request
///   Idle ───────────────────────────► Running ─────────────► RunAgain
///    ▲                                  │  ▲                     │
///    └──── pass ended, nothing asked ───┘  └─── next pass ───────┘
///          (or job not runnable)
///
///   Closing (the activation is going away): no pass starts. A request, or a pass that gave its attempt up, sets
///   WakeFresh: a fresh activation carries the work out once this one is gone.
/// </code>
/// The loop's last decision (<see cref="PassEnded"/>) and its end happen in one turn of the activation, so a request
/// is never lost between the two.
/// </summary>
public sealed class AttemptLoopState
{
    public AttemptLoopPhase Phase { get; private set; }

    /// <summary>The activation is going away: it starts no more attempts.</summary>
    public bool Closing { get; private set; }

    /// <summary>Work was asked for or given up on while closing: the next activation must be woken to do it.</summary>
    public bool WakeFresh { get; private set; }

    /// <summary>The loop ran in this activation: a new job's first attempt is no longer started with its creation.</summary>
    public bool EverStarted { get; private set; }

    /// <summary>Something asks for an attempt. True when the caller must start the loop now.</summary>
    public bool Request()
    {
        if (Closing)
        {
            WakeFresh = true;
            return false;
        }
        if (Phase != AttemptLoopPhase.Idle)
        {
            Phase = AttemptLoopPhase.RunAgain;
            return false;
        }
        Phase = AttemptLoopPhase.Running;
        EverStarted = true;
        return true;
    }

    /// <summary>The loop starts with an attempt already begun (a new job started with its creation).</summary>
    public void StartBegun()
    {
        Phase = AttemptLoopPhase.Running;
        EverStarted = true;
    }

    /// <summary>A pass begins: every request so far is served by it.</summary>
    public void PassBegins() => Phase = AttemptLoopPhase.Running;

    /// <summary>
    /// A pass ended; <paramref name="runnable"/>: the job is Queued and the silo not draining. True when the loop runs
    /// another pass; otherwise the loop ends (Idle).
    /// </summary>
    public bool PassEnded(bool runnable)
    {
        var again = Phase == AttemptLoopPhase.RunAgain && runnable;
        if (again && Closing) WakeFresh = true;
        if (again && !Closing) return true;
        Phase = AttemptLoopPhase.Idle;
        return false;
    }

    /// <summary>A pass could not record its attempt: the loop ends, and the activation goes (see <see cref="AttemptLoop"/>).</summary>
    public void Abandoned() => Phase = AttemptLoopPhase.Idle;

    /// <summary>A pass was admitted but gave its attempt up because the activation is closing.</summary>
    public void GaveUp() => WakeFresh = true;

    /// <summary>The activation is going away.</summary>
    public void Close() => Closing = true;
}
