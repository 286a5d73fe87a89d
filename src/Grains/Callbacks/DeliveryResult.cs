namespace OrleansJobs.Callbacks;

/// <summary>How one delivery went: 2xx, or why not, and whether trying again could change that.</summary>
public sealed record DeliveryResult(bool Delivered, bool Retryable, string? Error)
{
    public static DeliveryResult Success { get; } = new(true, false, null);

    public static DeliveryResult Failure(string error, bool retryable) => new(false, retryable, error);
}
