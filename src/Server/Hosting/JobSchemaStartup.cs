namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Applies the PostgreSQL job database's schema at the silo's first lifecycle stage: before membership, reminders, grain storage
/// or any job reads a table. Waiting for PostgreSQL to come up happens here too (<see cref="JobDatabase.ApplySchemaAsync"/>).
/// </summary>
public sealed class JobSchemaStartup(JobDatabase database) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(JobSchemaStartup), ServiceLifecycleStage.First, database.ApplySchemaAsync);
}
