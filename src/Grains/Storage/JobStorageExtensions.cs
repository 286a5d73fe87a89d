using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrleansJobs.Jobs;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;

namespace OrleansJobs.Storage;

public static class JobStorageExtensions
{
    /// <summary>Default name of the grain storage provider that holds <see cref="JobState"/>.</summary>
    public const string DefaultProviderName = "jobs";

    /// <summary>
    /// Registers <see cref="JobGrainStorage"/> as the named grain storage provider (keyed <see cref="Orleans.Storage.IGrainStorage"/>,
    /// the way Orleans registers its own providers). Needs an <see cref="IJobStore"/>, e.g. <see cref="AddSqliteJobStore"/>.
    /// </summary>
    public static ISiloBuilder AddJobStorage(this ISiloBuilder builder, string providerName = DefaultProviderName)
    {
        builder.Services.TryAddSingleton<NewJobIds>();
        builder.Services.AddGrainStorage(providerName, (services, _) => ActivatorUtilities.CreateInstance<JobGrainStorage>(services));
        return builder;
    }

    /// <summary>
    /// Registers <see cref="SqliteJobStore"/> as the <see cref="IJobStore"/> on <paramref name="databasePath"/>. In a silo the
    /// schema is applied in the first lifecycle stage; outside one, call <see cref="SqliteSchema.ApplyAsync"/> first.
    /// </summary>
    public static IServiceCollection AddSqliteJobStore(this IServiceCollection services, string databasePath)
    {
        services.AddSingleton(new SqliteJobStoreOptions(databasePath));
        services.AddSingleton<SqliteJobStore>();
        services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<SqliteJobStore>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SqliteSchemaInitializer>();
        return services;
    }

    /// <summary>
    /// Registers <see cref="PostgresJobStore"/> as the <see cref="IJobStore"/>. The schema must exist before the silo
    /// starts (<see cref="PostgresSchema.ApplyAsync"/>; the silo host applies it at start unless told not to).
    /// </summary>
    public static IServiceCollection AddPostgresJobStore(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton(new PostgresJobStoreOptions(connectionString));
        services.AddSingleton<PostgresJobStore>();
        services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<PostgresJobStore>());
        return services;
    }
}
