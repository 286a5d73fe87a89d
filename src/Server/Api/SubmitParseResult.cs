using System.Diagnostics.CodeAnalysis;
using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Api;

/// <summary>
/// What <see cref="SubmitRequestParser"/> made of a submit body: a <see cref="Spec"/>, or field <see cref="Errors"/> (400),
/// or malformed JSON (400), or a payload over the limit (413).
/// </summary>
public sealed class SubmitParseResult
{
    private SubmitParseResult() { }

    public JobSpec? Spec { get; private init; }

    /// <summary>Field (camelCase; nested as <c>retry.maxDelay</c>) → messages, ready for <c>TypedResults.ValidationProblem</c>.</summary>
    public IDictionary<string, string[]> Errors { get; private init; } = new Dictionary<string, string[]>();

    public bool IsMalformedJson { get; private init; }

    public bool IsPayloadTooLarge { get; private init; }

    /// <summary>Why the body was refused as a whole (malformed JSON, payload too large), for the problem's <c>detail</c>.</summary>
    public string? Detail { get; private init; }

    [MemberNotNullWhen(true, nameof(Spec))]
    public bool IsValid => Spec is not null;

    internal static SubmitParseResult Valid(JobSpec spec) => new() { Spec = spec };

    internal static SubmitParseResult Invalid(IDictionary<string, string[]> errors) => new() { Errors = errors };

    internal static SubmitParseResult MalformedJson(string detail) => new() { IsMalformedJson = true, Detail = detail };

    internal static SubmitParseResult PayloadTooLarge(string detail) => new() { IsPayloadTooLarge = true, Detail = detail };
}
