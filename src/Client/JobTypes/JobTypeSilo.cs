namespace OrleansJobs.Client;

/// <summary>A silo serving a job type.</summary>
public sealed record JobTypeSilo
{
    /// <summary>The silo's address, as <see cref="JobAttempt.Silo"/> names the silo that ran an attempt.</summary>
    public required string Address { get; init; }

    /// <summary>The silo's name.</summary>
    public string Name { get; init; } = "";
}
