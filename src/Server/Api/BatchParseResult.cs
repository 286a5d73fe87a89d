using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Api;

/// <summary>What <see cref="BatchRequestParser"/> made of a batch body: specs, or field errors, malformed JSON, or a payload too large.</summary>
public sealed record BatchParseResult
{
    public IReadOnlyList<JobSpec>? Jobs { get; init; }
    public JobSpec? Continuation { get; init; }
    public IDictionary<string, string[]> Errors { get; init; } = new Dictionary<string, string[]>();
    public string? MalformedJson { get; init; }
    public string? PayloadTooLarge { get; init; }
}
