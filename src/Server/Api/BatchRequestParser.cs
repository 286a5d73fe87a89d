using System.Text.Json;
using OrleansJobs.Batches;
using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Turns a <c>POST /api/batches</c> body, <c>{ "jobs": [ submit bodies ], "continuation": submit body }</c>, into job
/// specs, validating each member with the submit parser: an error names the member by its place, as <c>jobs[3].type</c>.
/// </summary>
public sealed class BatchRequestParser(SubmitRequestParser members)
{
    /// <summary>The largest batch body read: the members' payloads are each bounded by the payload limit as well.</summary>
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    private static readonly string[] Fields = ["jobs", "continuation"];

    public BatchParseResult Parse(ReadOnlyMemory<byte> utf8Json, string? correlationId = null, string? traceParent = null, string? traceState = null)
    {
        JsonDocument document;
        try
        {
            document = RequestJson.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            return new BatchParseResult { MalformedJson = e.Message };
        }

        using (document)
        {
            var body = document.RootElement;
            var errors = new Dictionary<string, string[]>();
            if (body.ValueKind != JsonValueKind.Object)
            {
                errors[SubmitRequestParser.BodyField] = ["The body must be a JSON object such as { \"jobs\": [ { \"type\": \"noop\" } ] }."];
                return new BatchParseResult { Errors = errors };
            }

            var jobs = new List<JobSpec>();
            JobSpec? continuation = null;
            var sawJobs = false;
            foreach (var property in body.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "jobs":
                        sawJobs = true;
                        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() is 0 or > BatchLimits.MaxMembers)
                        {
                            errors["jobs"] = [$"Expected an array of 1 to {BatchLimits.MaxMembers} submit bodies."];
                            break;
                        }
                        var index = 0;
                        foreach (var member in property.Value.EnumerateArray())
                        {
                            var parsed = Member($"jobs[{index++}]", member, errors, correlationId, traceParent, traceState);
                            if (parsed.TooLarge is not null) return parsed.TooLarge;
                            if (parsed.Spec is { } spec) jobs.Add(spec);
                        }
                        break;
                    case "continuation":
                        if (property.Value.ValueKind == JsonValueKind.Null) break;
                        var parsedContinuation = Member("continuation", property.Value, errors, correlationId, traceParent, traceState);
                        if (parsedContinuation.TooLarge is not null) return parsedContinuation.TooLarge;
                        continuation = parsedContinuation.Spec;
                        if (continuation?.DependsOn is not null)
                            errors["continuation.dependsOn"] = ["A continuation waits for its batch; it cannot depend on other jobs."];
                        break;
                    default:
                        errors[property.Name] = [$"Unknown field. The fields are: {string.Join(", ", Fields)}."];
                        break;
                }
            }
            if (!sawJobs) errors["jobs"] = ["The batch's jobs are required."];
            return errors.Count > 0 ? new BatchParseResult { Errors = errors } : new BatchParseResult { Jobs = jobs, Continuation = continuation };
        }
    }

    private (JobSpec? Spec, BatchParseResult? TooLarge) Member(
        string path, JsonElement body, Dictionary<string, string[]> errors, string? correlationId, string? traceParent, string? traceState)
    {
        var parsed = members.Parse(body, idempotencyKey: null, correlationId, traceParent, traceState);
        if (parsed.IsPayloadTooLarge) return (null, new BatchParseResult { PayloadTooLarge = $"{path}: {parsed.Detail}" });
        foreach (var (field, messages) in parsed.Errors)
            errors[field == SubmitRequestParser.BodyField ? path : $"{path}.{field}"] = messages;
        if (parsed.Spec?.IdempotencyKey is not null)
        {
            errors[$"{path}.idempotencyKey"] = ["Members and the continuation take their ids from the batch: send an Idempotency-Key with the batch instead."];
            return (null, null);
        }
        return (parsed.Spec, null);
    }
}
