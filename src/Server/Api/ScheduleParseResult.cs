using OrleansJobs.Schedules;

namespace OrleansJobs.Server.Api;

/// <summary>What <see cref="ScheduleRequestParser"/> made of a body: a definition, or why not (field errors, malformed JSON, payload too large).</summary>
public sealed record ScheduleParseResult(ScheduleDefinition? Definition, IDictionary<string, string[]> Errors, SubmitParseResult? Job = null, string? MalformedJson = null);
