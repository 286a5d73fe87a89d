using OrleansJobs.Storage;

namespace OrleansJobs.Bench.MemorySilo;

public static class MemoryJobStoreExtensions
{
    /// <summary>
    /// Registers <see cref="MemoryJobStore"/> as the <see cref="IJobStore"/>. Call it after <c>AddOrleansJobs</c>: the last
    /// registration of a service is the one resolved, so the embedded store's (SQLite) is left registered but never made,
    /// while its schema initializer still prepares the file that Orleans' own providers use.
    /// </summary>
    public static IServiceCollection AddMemoryJobStore(this IServiceCollection services)
    {
        services.AddSingleton<MemoryJobStore>();
        services.AddSingleton<IJobStore>(sp => sp.GetRequiredService<MemoryJobStore>());
        return services;
    }
}
