using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Outbound;

namespace OrleansJobs.Callbacks;

public static class CallbackServiceCollectionExtensions
{
    /// <summary>
    /// What <see cref="JobCallbackGrain"/> needs: <see cref="CallbackOptions"/> (validated at start), its HTTP client, and
    /// a warning at start when callbacks would go out unsigned. Hosts come from the <c>http</c> job type's allow-list.
    /// </summary>
    public static IServiceCollection AddCompletionCallbacks(this IServiceCollection services)
    {
        services.AddOptions<CallbackOptions>().BindConfiguration(CallbackOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOutboundHttpClient(JobCallbackGrain.ClientName);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, UnsignedCallbacksWarning>();
        return services;
    }
}
