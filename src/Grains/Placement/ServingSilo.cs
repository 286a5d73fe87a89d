using Orleans.Runtime;

namespace OrleansJobs.Placement;

/// <summary>A live silo that serves a job type: its address (as attempts record it) and its name.</summary>
public sealed record ServingSilo(SiloAddress Address, string Name)
{
    /// <summary>The address as <see cref="JobAttempt.Silo"/> records it.</summary>
    public string Id => Address.ToParsableString();
}
