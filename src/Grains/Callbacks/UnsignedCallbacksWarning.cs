using Microsoft.Extensions.Options;

namespace OrleansJobs.Callbacks;

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
