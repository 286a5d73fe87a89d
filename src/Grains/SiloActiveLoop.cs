namespace OrleansJobs;

/// <summary>
/// A silo service that runs one background loop while its silo is active: started off the lifecycle's thread once the
/// silo reaches <see cref="ServiceLifecycleStage.Active"/>, told to stop (<see cref="RunAsync"/>'s token) and awaited
/// when the silo stops.
/// </summary>
public abstract class SiloActiveLoop : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(GetType().Name, ServiceLifecycleStage.Active, _ =>
        {
            _loop = Task.Run(() => RunAsync(_stopping.Token));
            return Task.CompletedTask;
        }, async _ =>
        {
            await _stopping.CancelAsync();
            await _loop;
        });

    /// <summary>The loop; returns once <paramref name="stopping"/> fires (an <see cref="OperationCanceledException"/> from it is fine too).</summary>
    protected abstract Task RunAsync(CancellationToken stopping);
}
