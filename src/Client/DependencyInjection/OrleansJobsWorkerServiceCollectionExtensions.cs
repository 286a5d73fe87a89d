using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OrleansJobs.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a .NET worker (<see cref="OrleansJobsWorkerService"/>) that runs for as long as the application does.</summary>
public static class OrleansJobsWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers a hosted service that runs <see cref="IOrleansJobsClient.RunWorkerAsync"/> with the options set here:
    /// it starts with the host, and stops gracefully with it (no more leases; held jobs finish within
    /// <see cref="OrleansJobsWorkerOptions.StopTimeout"/>, which should fit in the host's shutdown timeout). Register the
    /// client too (<c>AddOrleansJobsClient</c>). The options are validated when the host starts.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Registers the handlers and sets the worker's name and timings; it gets the service provider, for handlers that need services.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddOrleansJobsWorker(this IServiceCollection services, Action<OrleansJobsWorkerOptions, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<OrleansJobsWorkerOptions>().Configure<IServiceProvider>(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrleansJobsWorkerOptions>, OrleansJobsWorkerOptionsValidator>());
        services.AddHostedService<OrleansJobsWorkerService>();
        return services;
    }

    /// <summary>Registers a .NET worker like <see cref="AddOrleansJobsWorker(IServiceCollection, Action{OrleansJobsWorkerOptions, IServiceProvider})"/>, for handlers that need no services.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Registers the handlers and sets the worker's name and timings.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddOrleansJobsWorker(this IServiceCollection services, Action<OrleansJobsWorkerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddOrleansJobsWorker((options, _) => configure(options));
    }
}
