using Microsoft.Extensions.Configuration;
using OrleansJobs;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Outbound;

namespace Microsoft.Extensions.DependencyInjection;

public static class JobHandlerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> to run jobs of <paramref name="type"/>: a keyed scoped service, so each
    /// attempt gets a fresh handler from its own DI scope. A typed handler (<see cref="IJobHandler{TPayload}"/>,
    /// <see cref="IJobHandler{TPayload, TResult}"/>) has its payload type recorded, so submits bind and validate the payload.
    /// Throws on an invalid or already registered type.
    /// </summary>
    public static IServiceCollection AddJobHandler<THandler>(this IServiceCollection services, string type)
        where THandler : class, IJobHandler
    {
        GetOrAddRegistry(services).Add(type, typeof(THandler));
        return services.AddKeyedScoped<IJobHandler, THandler>(type);
    }

    /// <summary>Registers the stock job types: <c>delay</c>, <c>noop</c> and <c>http</c> (with its options and HTTP client).</summary>
    public static IServiceCollection AddBuiltInJobHandlers(this IServiceCollection services)
    {
        AddHttpJobServices(services);
        return services
            .AddJobHandler<DelayJobHandler>(DelayJobHandler.Type)
            .AddJobHandler<NoopJobHandler>(NoopJobHandler.Type)
            .AddJobHandler<HttpJobHandler>(HttpJobHandler.Type);
    }

    private static void AddHttpJobServices(IServiceCollection services)
    {
        services.AddOptions<HttpJobOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                options.AllowedHosts.AddRange(ConfigurationLists.Read(
                    configuration.GetSection(HttpJobOptions.SectionName).GetSection(nameof(HttpJobOptions.AllowedHosts))));
            })
            .Validate(
                options => options.AllowedHosts.All(entry => AllowedHost.TryParse(entry, out _)),
                $"Every entry of {HttpJobOptions.SectionName}:AllowedHosts must be a host, optionally with a port or '*' for any port: api.example.com (80 and 443 only), 127.0.0.1:5005, [::1]:8080, 10.0.0.7:*.")
            .ValidateOnStart();

        services.AddOutboundHttpClient(HttpJobHandler.ClientName);
    }

    // The registry is needed while registering (to reject duplicates), before any provider exists, so it is
    // created here and shared as an instance.
    private static JobHandlerRegistry GetOrAddRegistry(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(JobHandlerRegistry) && !d.IsKeyedService)?.ImplementationInstance
            is JobHandlerRegistry existing)
            return existing;
        var registry = new JobHandlerRegistry();
        services.AddSingleton(registry);
        return registry;
    }
}
