namespace OrleansJobs.Callbacks;

public enum CallbackStatus
{
    /// <summary>No callback was asked for.</summary>
    None,
    /// <summary>Recorded, not delivered yet: a delivery is due at <see cref="CallbackState.NextAttemptAt"/>.</summary>
    Pending,
    /// <summary>The receiver answered 2xx.</summary>
    Delivered,
    /// <summary>Not delivered and never will be: refused (4xx, host not allowed) or out of attempts. See <see cref="CallbackState.LastError"/>.</summary>
    GivenUp,
}
