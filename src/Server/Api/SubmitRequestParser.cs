using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Jobs;
using OrleansJobs.Placement;
using OrleansJobs.Server.Hosting;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Turns a <c>POST /api/jobs</c> body and its headers into a <see cref="JobSpec"/>, or says precisely what is wrong:
/// the one place where submit requests are validated, a typed handler's payload included (<see cref="JobPayloadBinder"/>:
/// errors keyed <c>payload.&lt;field&gt;</c>). <c>limits</c> bound the payload's JSON text, the timeout and the retry delays;
/// <c>outbound</c>'s allow-list bounds where a <c>callbackUrl</c> may point. With <c>cluster</c>, a type that another live
/// silo serves is taken too; its payload is not checked here: <see cref="JobOperations"/> has a serving silo check it, and
/// a batch member's or schedule's is checked before each attempt (<see cref="JobPayloadBinder"/> runs again there).
/// </summary>
public sealed class SubmitRequestParser(JobHandlerRegistry handlers, JobServiceOptions limits, HttpJobOptions outbound, JobTypeCatalog? cluster = null)
{
    public const int MaxQueueLength = 100;
    public const int MaxKeyLength = 200;
    public const int MaxUrlLength = 2048;
    public const int MaxAttemptsLimit = 100;
    public const double MaxMultiplier = 100;
    public const int MaxTags = 50;
    public const int MaxDependencies = 100;

    /// <summary>The error key for a problem with the body as a whole.</summary>
    public const string BodyField = "$";

    private static readonly string[] Fields =
        ["type", "payload", "queue", "priority", "concurrencyKey", "runAt", "maxAttempts", "retry", "timeout",
         "idempotencyKey", "correlationId", "callbackUrl", "tags", "labels", "dependsOn", "onDependencyFailure"];
    private static readonly string[] RetryFields = ["initialDelay", "maxDelay", "multiplier", "jitter"];
    private static readonly SearchValues<char> QueueChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>Whether <paramref name="name"/> has only the characters of queue and schedule names: letters, digits, '.', '_' and '-'.</summary>
    public static bool IsPlainName(string name) => name.AsSpan().IndexOfAnyExcept(QueueChars) < 0;

    /// <summary>1 to <see cref="MaxQueueLength"/> letters, digits, '.', '_' or '-'.</summary>
    public static bool IsValidQueueName(string name) =>
        name.Length is > 0 and <= MaxQueueLength && name.AsSpan().IndexOfAnyExcept(QueueChars) < 0;

    /// <summary>The error of a job type that no live silo serves, with the types that some silo does.</summary>
    public static string UnservedType(string type, JobHandlerRegistry handlers, JobTypeCatalog cluster) =>
        $"Unknown job type '{type}': no live silo serves it. Known types: {string.Join(", ", handlers.Types.Union(cluster.All().Keys).Order(StringComparer.Ordinal))}.";

    /// <summary>Parses UTF-8 JSON; malformed JSON gives <see cref="SubmitParseResult.IsMalformedJson"/> with the parser's message.</summary>
    public SubmitParseResult Parse(
        ReadOnlyMemory<byte> utf8Json, string? idempotencyKey = null, string? correlationId = null, string? traceParent = null, string? traceState = null)
    {
        JsonDocument document;
        try
        {
            document = RequestJson.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            return SubmitParseResult.MalformedJson(e.Message);
        }
        using (document)
            return Parse(document.RootElement, idempotencyKey, correlationId, traceParent, traceState);
    }

    /// <summary>
    /// Parses a body already read as JSON. The header values: <paramref name="idempotencyKey"/> (<c>Idempotency-Key</c>) wins
    /// over the body's and must not contradict it; <paramref name="correlationId"/> fills in when the body has none;
    /// <paramref name="traceParent"/> and <paramref name="traceState"/> (W3C) are kept when valid and dropped otherwise.
    /// </summary>
    public SubmitParseResult Parse(
        JsonElement body, string? idempotencyKey = null, string? correlationId = null, string? traceParent = null, string? traceState = null)
    {
        var fields = new FieldReader();
        if (body.ValueKind != JsonValueKind.Object)
        {
            fields.Error(BodyField, $"The body must be a JSON object such as {{ \"type\": \"delay\" }}, not {FieldReader.Describe(body)}.");
            return SubmitParseResult.Invalid(fields.Errors);
        }

        string? type = null;
        string? bodyIdempotencyKey = null;
        DependencyFailure? onDependencyFailure = null;
        var spec = new JobSpec { Type = "" };
        foreach (var (name, value) in body.EnumerateObject().Select(p => (p.Name, p.Value)))
        {
            // Clients that write unset optional fields as null mean "the default".
            if (value.ValueKind == JsonValueKind.Null && Fields.Contains(name))
                continue;
            switch (name)
            {
                case "type":
                    type = fields.String(name, value, JobHandlerRegistry.MaxTypeLength);
                    break;
                case "payload":
                    var payload = value.GetRawText();
                    var size = Encoding.UTF8.GetByteCount(payload);
                    if (size > limits.MaxPayloadBytes)
                        return SubmitParseResult.PayloadTooLarge($"The payload is {size} bytes; the limit is {limits.MaxPayloadBytes} bytes.");
                    spec = spec with { Payload = payload };
                    break;
                case "queue":
                    if (fields.String(name, value, MaxQueueLength) is { } queue)
                    {
                        if (IsValidQueueName(queue))
                            spec = spec with { Queue = queue };
                        else
                            fields.Error(name, "Use only letters, digits, '.', '_' and '-'.");
                    }
                    break;
                case "priority":
                    if (fields.Int(name, value, int.MinValue, int.MaxValue) is { } priority)
                        spec = spec with { Priority = priority };
                    break;
                case "concurrencyKey":
                    if (fields.String(name, value, MaxKeyLength) is { } concurrencyKey)
                        spec = spec with { ConcurrencyKey = concurrencyKey };
                    break;
                case "runAt":
                    if (fields.Timestamp(name, value) is { } runAt)
                        spec = spec with { RunAt = runAt.ToUniversalTime() };
                    break;
                case "maxAttempts":
                    if (fields.Int(name, value, 1, MaxAttemptsLimit) is { } maxAttempts)
                        spec = spec with { MaxAttempts = maxAttempts };
                    break;
                case "retry":
                    if (ReadRetry(fields, value) is { } retry)
                        spec = spec with { Retry = retry };
                    break;
                case "timeout":
                    if (fields.Duration(name, value, limits.MaxTimeout, $"{JobServiceOptions.Section}:MaxTimeout") is { } timeout)
                    {
                        if (timeout > TimeSpan.Zero)
                            spec = spec with { Timeout = timeout };
                        else
                            fields.Error(name, "Must be longer than zero.");
                    }
                    break;
                case "idempotencyKey":
                    bodyIdempotencyKey = fields.String(name, value, MaxKeyLength);
                    break;
                case "correlationId":
                    if (value.ValueKind == JsonValueKind.String && CorrelationIds.IsValid(value.GetString()!))
                        spec = spec with { CorrelationId = value.GetString() };
                    else
                        fields.Error(name, CorrelationIds.Problem("A correlation id"));
                    break;
                case "callbackUrl":
                    if (fields.String(name, value, MaxUrlLength) is { } callbackUrl)
                    {
                        if (!Uri.TryCreate(callbackUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                            fields.Error(name, "Must be an absolute http or https URL.");
                        else if (!outbound.Allows(url))
                            fields.Error(name, $"Host '{url.Authority}' is not allowed for callbacks: add it to {HttpJobOptions.SectionName}:AllowedHosts.");
                        else
                            spec = spec with { CallbackUrl = callbackUrl };
                    }
                    break;
                case "tags":
                    if (ReadTags(fields, value) is { } tags)
                        spec = spec with { Tags = tags };
                    break;
                case "labels":
                    if (ReadLabels(fields, value) is { Count: > 0 } labels)
                        spec = spec with { Labels = labels };
                    break;
                case "dependsOn":
                    if (ReadDependsOn(fields, value) is { } dependsOn)
                        spec = spec with { DependsOn = dependsOn };
                    break;
                case "onDependencyFailure":
                    if (fields.String(name, value, 10) is { } failure)
                    {
                        if (failure.Equals("fail", StringComparison.OrdinalIgnoreCase)) onDependencyFailure = DependencyFailure.Fail;
                        else if (failure.Equals("cancel", StringComparison.OrdinalIgnoreCase)) onDependencyFailure = DependencyFailure.Cancel;
                        else fields.Error(name, "Expected \"fail\" or \"cancel\".");
                    }
                    break;
                default:
                    fields.Error(name, $"Unknown field. The fields are: {string.Join(", ", Fields)}.");
                    break;
            }
        }

        if (type is null && !fields.Errors.ContainsKey("type"))
            fields.Error("type", "The job type is required.");
        else if (type is not null && !handlers.IsKnown(type) && cluster is null)
            fields.Error("type", $"Unknown job type '{type}'. Known types: {string.Join(", ", handlers.Types)}.");
        else if (type is not null && !handlers.IsKnown(type) && cluster!.SilosServing(type).Count == 0)
            fields.Error("type", UnservedType(type, handlers, cluster));
        else if (type is not null && handlers.PayloadType(type) is { } payloadType
                 && !JobPayloadBinder.TryBind(payloadType, spec.Payload, out _, out var payloadErrors))
            foreach (var (field, messages) in payloadErrors)
                fields.Errors[field] = messages;

        if (onDependencyFailure is { } onFailure)
        {
            if (spec.DependsOn is null && !fields.Errors.ContainsKey("dependsOn"))
                fields.Error("onDependencyFailure", "Only meaningful with dependsOn.");
            spec = spec with { OnDependencyFailure = onFailure };
        }

        if (idempotencyKey is not null)
        {
            if (idempotencyKey.Length is 0 or > MaxKeyLength)
                fields.Error("idempotencyKey", $"The Idempotency-Key header must be 1 to {MaxKeyLength} characters long.");
            else if (bodyIdempotencyKey is not null && bodyIdempotencyKey != idempotencyKey)
                fields.Error("idempotencyKey", "The Idempotency-Key header and the idempotencyKey field differ; send one, or the same in both.");
        }
        if (spec.CorrelationId is null && correlationId is not null)
        {
            if (!CorrelationIds.IsValid(correlationId))
                fields.Error("correlationId", CorrelationIds.Problem($"The {CorrelationIds.Header} header"));
            else
                spec = spec with { CorrelationId = correlationId };
        }

        if (fields.Errors.Count > 0)
            return SubmitParseResult.Invalid(fields.Errors);

        // An invalid trace context is ignored, as W3C Trace Context asks, rather than failing the request.
        var traced = ActivityContext.TryParse(traceParent, traceState, out _);
        return SubmitParseResult.Valid(spec with
        {
            Type = type!,
            IdempotencyKey = idempotencyKey ?? bodyIdempotencyKey,
            TraceParent = traced ? traceParent : null,
            TraceState = traced ? traceState : null,
        });
    }

    private RetryPolicy? ReadRetry(FieldReader fields, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            fields.Error("retry", $"Expected an object such as {{ \"initialDelay\": \"00:00:02\", \"maxDelay\": \"00:10:00\", \"multiplier\": 2, \"jitter\": true }}, not {FieldReader.Describe(value)}.");
            return null;
        }
        var errorsBefore = fields.Errors.Count;
        var retry = RetryPolicy.Default;
        foreach (var property in value.EnumerateObject())
        {
            var name = "retry." + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Null && RetryFields.Contains(property.Name))
                continue;
            switch (property.Name)
            {
                case "initialDelay":
                    if (fields.Duration(name, property.Value, limits.MaxRetryDelay, $"{JobServiceOptions.Section}:MaxRetryDelay") is { } initialDelay)
                        retry = retry with { InitialDelay = initialDelay };
                    break;
                case "maxDelay":
                    if (fields.Duration(name, property.Value, limits.MaxRetryDelay, $"{JobServiceOptions.Section}:MaxRetryDelay") is { } maxDelay)
                        retry = retry with { MaxDelay = maxDelay };
                    break;
                case "multiplier":
                    if (property.Value.ValueKind != JsonValueKind.Number)
                        fields.Error(name, $"Expected a number, not {FieldReader.Describe(property.Value)}.");
                    else if (property.Value.GetDouble() is var multiplier and >= 1 and <= MaxMultiplier)
                        retry = retry with { Multiplier = multiplier };
                    else
                        fields.Error(name, $"Must be between 1 and {MaxMultiplier}.");
                    break;
                case "jitter":
                    if (property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                        retry = retry with { Jitter = property.Value.GetBoolean() };
                    else
                        fields.Error(name, $"Expected true or false, not {FieldReader.Describe(property.Value)}.");
                    break;
                default:
                    fields.Error(name, $"Unknown field. The retry fields are: {string.Join(", ", RetryFields)}.");
                    break;
            }
        }
        if (fields.Errors.Count > errorsBefore)
            return null;
        if (retry.MaxDelay < retry.InitialDelay)
        {
            fields.Error("retry.maxDelay", $"Must be at least initialDelay ({retry.InitialDelay:c}).");
            return null;
        }
        return retry;
    }

    private static List<string>? ReadDependsOn(FieldReader fields, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            fields.Error("dependsOn", $"Expected an array of job ids such as [\"job_0192…\"], not {FieldReader.Describe(value)}.");
            return null;
        }
        var count = value.GetArrayLength();
        if (count is 0 or > MaxDependencies)
        {
            fields.Error("dependsOn", $"List 1 to {MaxDependencies} job ids, not {count}.");
            return null;
        }
        var ids = new List<string>(count);
        var (index, valid) = (0, true);
        foreach (var item in value.EnumerateArray())
        {
            var field = $"dependsOn[{index++}]";
            if (item.ValueKind == JsonValueKind.String && JobIds.IsValid(item.GetString()))
            {
                if (!ids.Contains(item.GetString()!)) ids.Add(item.GetString()!);
                continue;
            }
            fields.Error(field, $"Expected a job id (\"{JobIds.Prefix}\" and 32 lowercase hex digits), not {(item.ValueKind == JsonValueKind.String ? $"'{item.GetString()}'" : FieldReader.Describe(item))}.");
            valid = false;
        }
        return valid ? ids : null;
    }

    /// <summary>
    /// The labels in their order, repeats dropped; an error names the item (<c>labels[2]</c>). Reading stops at the
    /// first label past <see cref="JobLabels.MaxCount"/> or the <see cref="JobLabels.MaxCount"/>th bad item, so that a
    /// long array costs no more than a short one.
    /// </summary>
    private static List<string>? ReadLabels(FieldReader fields, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            fields.Error("labels", $"Expected an array of strings such as [\"customer-42\", \"nightly\"], not {FieldReader.Describe(value)}.");
            return null;
        }
        var labels = new List<string>();
        var (index, bad) = (0, 0);
        foreach (var item in value.EnumerateArray())
        {
            var field = $"labels[{index++}]";
            var problem = item.ValueKind != JsonValueKind.String ? $"Expected a string, not {FieldReader.Describe(item)}." : JobLabels.Problem(item.GetString()!);
            if (problem is not null)
            {
                fields.Error(field, problem);
                if (++bad == JobLabels.MaxCount) break;
                continue;
            }
            var label = item.GetString()!;
            if (labels.Contains(label, StringComparer.Ordinal)) continue;
            if (labels.Count == JobLabels.MaxCount)
            {
                fields.Error("labels", $"At most {JobLabels.MaxCount} different labels are allowed.");
                return null;
            }
            labels.Add(label);
        }
        return bad == 0 ? labels : null;
    }

    private static Dictionary<string, string>? ReadTags(FieldReader fields, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            fields.Error("tags", $"Expected an object of string values such as {{ \"tenant\": \"acme\" }}, not {FieldReader.Describe(value)}.");
            return null;
        }
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var valid = true;
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
                tags[property.Name] = property.Value.GetString()!;
            else
            {
                fields.Error("tags." + property.Name, $"Expected a string, not {FieldReader.Describe(property.Value)}.");
                valid = false;
            }
        }
        if (tags.Count > MaxTags)
        {
            fields.Error("tags", $"At most {MaxTags} tags are allowed, not {tags.Count}.");
            return null;
        }
        return valid ? tags : null;
    }
}
