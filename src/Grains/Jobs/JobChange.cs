namespace OrleansJobs.Jobs;

/// <summary>
/// What a stored change of a job brought with it (<see cref="JobLifecycle.Settle"/>): its status changed (an event for
/// watchers), it finished (callers waiting for the end are answered), and it owes a hand-over to its callback, batch or
/// dependents.
/// </summary>
public readonly record struct JobChange(bool StatusChanged, bool Finished, bool HandOverDue);
