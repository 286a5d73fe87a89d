using Orleans.Concurrency;
using OrleansJobs.Handlers;

namespace OrleansJobs.Placement;

/// <summary>
/// A job type's payload check at submit, on a silo that has the type's handler (<see cref="JobPlacement"/> places it by
/// its key): the same binding and errors as a silo with the handler gives itself. Holds nothing, so it interleaves.
/// </summary>
[GrainType("job-type"), JobPlacement, Reentrant]
public sealed class JobTypeGrain(JobHandlerRegistry registry) : Grain, IJobTypeGrain
{
    Task<Dictionary<string, string[]>?> IJobTypeGrain.CheckPayload(string? payload)
    {
        var type = this.GetPrimaryKeyString();
        if (!registry.IsKnown(type))
        {
            // Placed here when no silo served the type: let the next call be placed afresh.
            DeactivateOnIdle();
            return Task.FromResult<Dictionary<string, string[]>?>(null);
        }
        Dictionary<string, string[]> errors = [];
        if (registry.PayloadType(type) is { } payloadType) JobPayloadBinder.TryBind(payloadType, payload, out _, out errors);
        return Task.FromResult<Dictionary<string, string[]>?>(errors);
    }
}
