using OrleansJobs.Storage;

namespace OrleansJobs.Server.Hosting;

public static class JobStoreHostingExtensions
{
    /// <summary>
    /// Registers the job store on the configured database (see <see cref="JobDatabase"/>), and has the silo apply its
    /// schema first thing when it starts (<see cref="JobSchemaStartup"/> for PostgreSQL), so that nothing reads tables that do not
    /// exist yet. PostgreSQL's schema is left alone when <see cref="JobServiceOptions.ApplySchemaOnStart"/> is off
    /// (operators who run <c>migrate</c> before they deploy); the embedded SQLite file belongs to this silo alone and is
    /// always brought up to date.
    /// </summary>
    public static JobDatabase AddJobStore(this IHostApplicationBuilder builder, JobServiceOptions settings)
    {
        var database = JobDatabase.From(builder.Configuration, settings, builder.Environment.ContentRootPath);
        if (database.SqlitePath is { } path)
        {
            builder.Services.AddSqliteJobStore(path); // which applies its schema at the silo's start itself
            return database;
        }
        builder.Services.AddPostgresJobStore(database.ConnectionString);
        if (settings.ApplySchemaOnStart) builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new JobSchemaStartup(database));
        return database;
    }
}
