using OrleansJobs.Storage;

namespace OrleansJobs.Silo.Hosting;

public static class JobStoreHostingExtensions
{
    /// <summary>
    /// Registers the job store on the configured database (see <see cref="JobDatabase"/>) after applying its schema, so
    /// that the silo starts on tables that exist. PostgreSQL's schema is left alone when
    /// <see cref="JobServiceOptions.ApplySchemaOnStart"/> is off (operators who run <c>migrate</c> before they deploy);
    /// the embedded SQLite file belongs to this silo alone and is always brought up to date.
    /// </summary>
    public static async Task<JobDatabase> AddJobStoreAsync(this IHostApplicationBuilder builder, JobServiceOptions settings)
    {
        var database = JobDatabase.From(builder.Configuration, settings, builder.Environment.ContentRootPath);
        if (database.SqlitePath is { } path)
        {
            await database.ApplySchemaAsync(CancellationToken.None);
            builder.Services.AddSqliteJobStore(path);
        }
        else
        {
            if (settings.ApplySchemaOnStart) await database.ApplySchemaAsync(CancellationToken.None);
            builder.Services.AddPostgresJobStore(database.ConnectionString);
        }
        return database;
    }
}
