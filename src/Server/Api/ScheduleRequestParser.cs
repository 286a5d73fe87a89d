using System.Text.Json;
using OrleansJobs.Jobs;
using OrleansJobs.Schedules;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Turns a <c>PUT /api/schedules/{name}</c> body into a <see cref="ScheduleDefinition"/>: cron and time zone through
/// <see cref="CronSchedule"/>, the job through the submit endpoint's own <see cref="SubmitRequestParser"/> (its errors
/// come back under <c>job.</c>), so a schedule accepts exactly the jobs <c>POST /api/jobs</c> accepts, less the two
/// fields the schedule itself decides: <c>runAt</c> and <c>idempotencyKey</c>. Occurrences closer together than
/// <paramref name="minInterval"/> (<c>OrleansJobs:MinScheduleInterval</c>) are refused.
/// </summary>
public sealed class ScheduleRequestParser(SubmitRequestParser jobs, TimeSpan minInterval)
{
    private static readonly string[] Fields = ["cron", "timeZone", "job", "misfire", "overlap", "paused"];

    public static bool IsValidName(string name) => name.Length is > 0 and <= ScheduleKeys.MaxNameLength && SubmitRequestParser.IsPlainName(name);

    public ScheduleParseResult Parse(ReadOnlyMemory<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = RequestJson.Parse(utf8Json);
        }
        catch (JsonException e)
        {
            return new ScheduleParseResult(null, new Dictionary<string, string[]>(), MalformedJson: e.Message);
        }
        using (document)
            return Parse(document.RootElement);
    }

    private ScheduleParseResult Parse(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string field, string message) => errors[field] = errors.TryGetValue(field, out var m) ? [.. m, message] : [message];

        if (body.ValueKind != JsonValueKind.Object)
        {
            Error(SubmitRequestParser.BodyField, "The body must be a JSON object such as { \"cron\": \"*/5 * * * *\", \"job\": { \"type\": \"noop\" } }.");
            return new ScheduleParseResult(null, errors);
        }

        string? cron = null, timeZone = "UTC", jobJson = null;
        JobSpec? job = null;
        var (misfire, overlap, paused) = (MisfirePolicy.FireOnce, OverlapPolicy.Allow, false);
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null && Fields.Contains(property.Name)) continue;
            switch (property.Name)
            {
                case "cron":
                    cron = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                    if (cron is null) Error("cron", "Expected a string such as \"*/5 * * * *\" or \"*/10 * * * * *\" (seconds first).");
                    break;
                case "timeZone":
                    timeZone = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                    if (timeZone is null) Error("timeZone", "Expected an IANA time zone name such as \"Europe/Berlin\".");
                    break;
                case "job":
                    var parsed = jobs.Parse(value);
                    if (parsed.IsPayloadTooLarge) return new ScheduleParseResult(null, errors, parsed);
                    foreach (var (field, messages) in parsed.Errors) errors["job." + field] = messages;
                    if (parsed.Spec is { } spec)
                    {
                        if (spec.RunAt is not null) Error("job.runAt", "A schedule's job runs at each occurrence; leave runAt out.");
                        if (spec.IdempotencyKey is not null) Error("job.idempotencyKey", "A schedule makes each occurrence's key itself; leave idempotencyKey out.");
                        (job, jobJson) = (spec, value.GetRawText());
                    }
                    break;
                case "misfire":
                    if (Choice<MisfirePolicy>(value) is { } m) misfire = m;
                    else Error("misfire", "Expected \"fireOnce\" or \"skip\".");
                    break;
                case "overlap":
                    if (Choice<OverlapPolicy>(value) is { } o) overlap = o;
                    else Error("overlap", "Expected \"allow\", \"skip\" or \"wait\".");
                    break;
                case "paused":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False) paused = value.GetBoolean();
                    else Error("paused", "Expected true or false.");
                    break;
                default:
                    Error(property.Name, $"Unknown field. The fields are: {string.Join(", ", Fields)}.");
                    break;
            }
        }

        if (cron is null && !errors.ContainsKey("cron")) Error("cron", "The cron expression is required.");
        if (jobJson is null && !errors.Keys.Any(k => k.StartsWith("job", StringComparison.Ordinal))) Error("job", "The job to submit at each occurrence is required, such as { \"type\": \"noop\" }.");
        if (cron is not null && timeZone is not null)
        {
            if (!CronSchedule.TryCreate(cron, timeZone, out var schedule, out var problem, out var where))
                Error(where!, problem!);
            else if (schedule!.ShortestGap(DateTimeOffset.UtcNow) is { } gap && gap < minInterval)
                Error("cron", $"'{cron}' fires {gap:c} apart; the shortest interval is {minInterval:c} ({JobServiceOptions.Section}:MinScheduleInterval).");
        }

        return errors.Count > 0
            ? new ScheduleParseResult(null, errors)
            : new ScheduleParseResult(new ScheduleDefinition
            {
                Cron = cron!.Trim(), TimeZone = timeZone!, Job = job!, JobJson = jobJson!, Misfire = misfire, Overlap = overlap, Paused = paused,
            }, errors);
    }

    /// <summary>An enum by its camelCase API name (any case): "fireOnce", "skip", "wait"…; not numbers.</summary>
    private static T? Choice<T>(JsonElement value) where T : struct, Enum =>
        value.ValueKind == JsonValueKind.String && Enum.GetNames<T>().FirstOrDefault(n => n.Equals(value.GetString(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<T>(name)
            : null;
}
