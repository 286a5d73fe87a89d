namespace OrleansJobs.Batches;

/// <summary>The bounds of a batch.</summary>
public static class BatchLimits
{
    /// <summary>The most members one batch may have.</summary>
    public const int MaxMembers = 10_000;

    /// <summary>A member's result larger than this (UTF-8 bytes of its JSON) is not kept: the continuation gets <c>resultOmitted</c>.</summary>
    public const int MaxMemberResultBytes = 4 * 1024;

    /// <summary>Results are kept, in the order members end, until they add up to this; later ones are omitted.</summary>
    public const int MaxKeptResultBytes = 512 * 1024;

    /// <summary>An error message longer than this is cut to it.</summary>
    public const int MaxErrorMessageLength = 1000;
}
