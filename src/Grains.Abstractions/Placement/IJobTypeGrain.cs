namespace OrleansJobs.Placement;

/// <summary>
/// One job type, keyed by its name, placed on a silo that serves it: a silo that lacks a type's handler asks it to check
/// a payload at submit, so a typed handler validates wherever the request arrives.
/// </summary>
public interface IJobTypeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Binds and validates <paramref name="payload"/> (JSON, null for none) as the type's handler would: the errors by
    /// field (<c>payload.&lt;field&gt;</c>), empty when it fits. Null when this silo does not serve the type after all
    /// (the silo serving it left between the placement and the call).
    /// </summary>
    Task<Dictionary<string, string[]>?> CheckPayload(string? payload);
}
