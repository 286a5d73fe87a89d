namespace OrleansJobs.Client;

/// <summary>Why a job or one of its attempts failed.</summary>
public sealed record JobError
{
    /// <summary>What went wrong.</summary>
    public required string Message { get; init; }

    /// <summary>The kind of error, such as the handler's exception type, when known.</summary>
    public string? Type { get; init; }
}
