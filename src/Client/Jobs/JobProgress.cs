namespace OrleansJobs.Client;

/// <summary>Progress a handler reported.</summary>
public sealed record JobProgress
{
    /// <summary>How far along the job is, 0 to 100, when the handler said.</summary>
    public double? Percent { get; init; }

    /// <summary>The handler's message, such as "step 3/10".</summary>
    public string? Message { get; init; }

    /// <summary>When the handler reported it.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
