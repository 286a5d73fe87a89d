using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
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

/// <summary>Says once, when the silo starts, that callbacks are unsigned: receivers then cannot tell them from forgeries.</summary>
internal sealed class UnsignedCallbacksWarning(IOptions<CallbackOptions> options, ILogger<UnsignedCallbacksWarning> logger) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(UnsignedCallbacksWarning), ServiceLifecycleStage.Active, _ =>
        {
            if (string.IsNullOrEmpty(options.Value.SigningSecret))
                logger.LogWarning("{Section}:SigningSecret is not set: completion callbacks are sent unsigned", CallbackOptions.SectionName);
            return Task.CompletedTask;
        });
}
