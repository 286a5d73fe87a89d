namespace OrleansJobs.Storage;

/// <summary>
/// Applies <see cref="SqliteSchema"/> in the silo's first lifecycle stage: before Orleans' ADO.NET reminder and grain
/// storage providers read their queries (later stages), and before any grain can reach the job store.
/// </summary>
internal sealed class SqliteSchemaInitializer(SqliteJobStoreOptions options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SqliteSchemaInitializer), ServiceLifecycleStage.RuntimeInitialize,
            cancellationToken => SqliteSchema.ApplyAsync(options.ConnectionString, cancellationToken));
}
