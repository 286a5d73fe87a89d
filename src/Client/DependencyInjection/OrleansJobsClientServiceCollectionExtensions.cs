using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansJobs.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="IOrleansJobsClient"/> (and <see cref="IJobClient"/>, its job operations) with dependency injection.</summary>
public static class OrleansJobsClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IOrleansJobsClient"/> as a typed client of <see cref="IHttpClientFactory"/>, with the standard
    /// resilience handler (retries with backoff on transient errors, circuit breaker, timeouts). Options are validated when
    /// the host starts: <see cref="OrleansJobsClientOptions.BaseAddress"/> is required and must be absolute. The clients
    /// share one hub connection for watching jobs, made on the first watch and closed with the service provider.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, at least <see cref="OrleansJobsClientOptions.BaseAddress"/>.</param>
    /// <returns>The HTTP client's builder, to add handlers or change its settings.</returns>
    public static IHttpClientBuilder AddOrleansJobsClient(this IServiceCollection services, Action<OrleansJobsClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<OrleansJobsClientOptions>().Configure(configure);
        return AddClient(services);
    }

    /// <summary>
    /// Registers <see cref="IOrleansJobsClient"/> like <see cref="AddOrleansJobsClient(IServiceCollection, Action{OrleansJobsClientOptions})"/>,
    /// with its options bound from a configuration section, such as
    /// <c>configuration.GetSection(OrleansJobsClientOptions.Section)</c> holding <c>BaseAddress</c> and <c>ApiKey</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="section">The configuration section to bind the options from.</param>
    /// <returns>The HTTP client's builder, to add handlers or change its settings.</returns>
    public static IHttpClientBuilder AddOrleansJobsClient(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<OrleansJobsClientOptions>().Bind(section);
        return AddClient(services);
    }

    private static IHttpClientBuilder AddClient(IServiceCollection services)
    {
        services.AddOptions<OrleansJobsClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OrleansJobsClientOptions>, OrleansJobsClientOptionsValidator>());
        // The typed client is transient; the hub connection it watches over lives as long as the application.
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<OrleansJobsClientOptions>>().Value;
            return OrleansJobsClient.NewHubConnection(options.BaseAddress!, options);
        });
        var client = services
            .AddHttpClient<IOrleansJobsClient, OrleansJobsClient>((http, provider) =>
                new OrleansJobsClient(http, provider.GetRequiredService<IOptions<OrleansJobsClientOptions>>().Value, provider.GetService<TimeProvider>(),
                    provider.GetRequiredService<JobHubConnection>()) { Loggers = provider.GetService<ILoggerFactory>() })
            // The resilience handler's total timeout below governs instead.
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan);
        // Code written against the job operations alone gets the HTTP client too (unless the app hosts the service).
        services.TryAddTransient<IJobClient>(provider => provider.GetRequiredService<IOrleansJobsClient>());
        client.AddStandardResilienceHandler(resilience =>
        {
            // A submit-and-wait request is held open for up to LongPollWait (30 s at most); the default of 10 s per attempt would cut it short.
            resilience.AttemptTimeout.Timeout = OrleansJobsClientOptionsValidator.MaxLongPollWait + TimeSpan.FromSeconds(30);
            resilience.CircuitBreaker.SamplingDuration = 2 * resilience.AttemptTimeout.Timeout;
            resilience.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(3);
        });
        return client;
    }
}
