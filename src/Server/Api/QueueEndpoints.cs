using System.Text.Json;
using OrleansJobs.Api;
using OrleansJobs.Queues;
using OrleansJobs.Storage;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Named queues: their counts from the job table, their limits from the queue directory. A queue exists as soon as a
/// job names it; <c>PUT</c> sets its limits (replacing all of them: a field left out means no limit).
/// </summary>
public static class QueueEndpoints
{
    public const int MaxLimit = 100_000;
    public const int MaxBurst = 1_000_000;

    /// <summary>
    /// The slowest rate: one start a day. A slower one would make the token bucket's refill period overflow what a
    /// <see cref="TimeSpan"/> holds (at 1e-300 a second), and is no use for a queue anyway.
    /// </summary>
    public const double MinRatePerSecond = 1.0 / 86_400;

    /// <summary>A queue's settings are five fields; a body larger than this is refused before it is parsed.</summary>
    public const int MaxBodyBytes = 4 * 1024;

    private static readonly string[] Fields = ["maxConcurrency", "maxConcurrencyPerKey", "ratePerSecond", "burst", "paused"];

    public static IEndpointRouteBuilder MapQueueEndpoints(this IEndpointRouteBuilder app)
    {
        var queues = app.MapGroup("/api/queues").WithTags("Queues");
        queues.MapGet("/", ListAsync);
        queues.MapGet("/{name}", GetAsync);
        queues.MapPut("/{name}", PutAsync);
        queues.MapPost("/{name}/pause", (string name, IGrainFactory grains, IJobStore store, QueueAdmission admission) =>
            SetPausedAsync(name, paused: true, grains, store, admission));
        queues.MapPost("/{name}/resume", (string name, IGrainFactory grains, IJobStore store, QueueAdmission admission) =>
            SetPausedAsync(name, paused: false, grains, store, admission));
        return app;
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains, IJobStore store)
    {
        var configured = await Directory(grains).GetAll();
        var counts = await store.CountByQueueAsync();
        var names = (await store.ListQueuesAsync()).Concat(configured.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return TypedResults.Ok(new QueueListResponse([.. names.Select(name => QueueResponse.From(name, configured.GetValueOrDefault(name, QueueSettings.Unlimited), counts, runtime: null))]));
    }

    private static async Task<IResult> GetAsync(string name, IGrainFactory grains, IJobStore store)
    {
        if (InvalidName(name) is { } invalid) return invalid;
        return TypedResults.Ok(await DescribeAsync(name, grains, store));
    }

    private static async Task<IResult> PutAsync(string name, HttpRequest request, IGrainFactory grains, IJobStore store, QueueAdmission admission)
    {
        if (InvalidName(name) is { } invalid) return invalid;
        var body = await JobEndpoints.ReadBodyAsync(request, MaxBodyBytes);
        if (body is null) return ApiProblems.BodyTooLarge(MaxBodyBytes);
        JsonDocument document;
        try
        {
            document = RequestJson.Parse(body);
        }
        catch (JsonException ex)
        {
            return ApiProblems.BadRequest("The body is not valid JSON.", ex.Message);
        }

        using (document)
        {
            var (settings, errors) = Parse(document.RootElement);
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors, title: "The queue settings are invalid.");
            return await ConfigureAsync(name, settings!, grains, store, admission);
        }
    }

    private static async Task<IResult> SetPausedAsync(string name, bool paused, IGrainFactory grains, IJobStore store, QueueAdmission admission)
    {
        if (InvalidName(name) is { } invalid) return invalid;
        var current = (await Directory(grains).GetAll()).GetValueOrDefault(name, QueueSettings.Unlimited);
        return await ConfigureAsync(name, current with { Paused = paused }, grains, store, admission);
    }

    private static async Task<IResult> ConfigureAsync(string name, QueueSettings settings, IGrainFactory grains, IJobStore store, QueueAdmission admission)
    {
        await Directory(grains).Configure(name, settings);
        admission.Changed(name, settings); // this silo at once; the others at their next refresh
        return TypedResults.Ok(await DescribeAsync(name, grains, store));
    }

    private static async Task<QueueResponse> DescribeAsync(string name, IGrainFactory grains, IJobStore store)
    {
        var settings = (await Directory(grains).GetAll()).GetValueOrDefault(name, QueueSettings.Unlimited);
        var counts = await store.CountByQueueAsync();
        var runtime = settings.IsFree ? null : await grains.GetGrain<IQueueGrain>(name).GetRuntime();
        return QueueResponse.From(name, settings, counts, runtime);
    }

    private static IQueueDirectoryGrain Directory(IGrainFactory grains) => grains.GetGrain<IQueueDirectoryGrain>(0);

    /// <summary>The rule job submissions apply to queue names (see <see cref="SubmitRequestParser"/>).</summary>
    private static IResult? InvalidName(string name) =>
        SubmitRequestParser.IsValidQueueName(name)
            ? null
            : ApiProblems.Validation("name", $"A queue name has 1 to {SubmitRequestParser.MaxQueueLength} letters, digits, '.', '_' or '-'.");

    private static (QueueSettings? Settings, Dictionary<string, string[]> Errors) Parse(JsonElement body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors[SubmitRequestParser.BodyField] = ["The body must be a JSON object."];
            return (null, errors);
        }

        var settings = QueueSettings.Unlimited;
        foreach (var field in body.EnumerateObject())
        {
            var value = field.Value;
            var isNull = value.ValueKind == JsonValueKind.Null;
            switch (field.Name)
            {
                case "maxConcurrency" when isNull || WholeNumber(value, 1, MaxLimit) is not null:
                    settings = settings with { MaxConcurrency = isNull ? null : value.GetInt32() };
                    break;
                case "maxConcurrencyPerKey" when isNull || WholeNumber(value, 1, MaxLimit) is not null:
                    settings = settings with { MaxConcurrencyPerKey = isNull ? null : value.GetInt32() };
                    break;
                case "burst" when isNull || WholeNumber(value, 1, MaxBurst) is not null:
                    settings = settings with { Burst = isNull ? null : value.GetInt32() };
                    break;
                case "ratePerSecond" when isNull || value.ValueKind == JsonValueKind.Number && value.GetDouble() is >= MinRatePerSecond and <= MaxLimit:
                    settings = settings with { RatePerSecond = isNull ? null : value.GetDouble() };
                    break;
                case "paused" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    settings = settings with { Paused = value.GetBoolean() };
                    break;
                case "maxConcurrency" or "maxConcurrencyPerKey":
                    errors[field.Name] = [$"A whole number from 1 to {MaxLimit}, or null for no limit."];
                    break;
                case "burst":
                    errors[field.Name] = [$"A whole number from 1 to {MaxBurst}, or null for one second's worth of the rate."];
                    break;
                case "ratePerSecond":
                    errors[field.Name] = [$"A number from {MinRatePerSecond:R} (one a day) up to {MaxLimit}, or null for no limit."];
                    break;
                case "paused":
                    errors[field.Name] = ["true or false."];
                    break;
                default:
                    errors[field.Name] = [$"Unknown field; the settings are {string.Join(", ", Fields)}."];
                    break;
            }
        }

        if (settings.Burst is not null && settings.RatePerSecond is null && !errors.ContainsKey("ratePerSecond"))
            errors["burst"] = ["A burst needs a ratePerSecond."];
        return (settings, errors);
    }

    private static int? WholeNumber(JsonElement value, int min, int max) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max ? number : null;
}
