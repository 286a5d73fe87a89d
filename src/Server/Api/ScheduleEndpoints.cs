using Microsoft.Extensions.Options;
using OrleansJobs.Api;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Schedules;

namespace OrleansJobs.Server.Api;

/// <summary>Recurring schedules (README, "Recurring schedules"). Every error is problem details, as in <see cref="JobEndpoints"/>.</summary>
public static class ScheduleEndpoints
{
    public static IEndpointRouteBuilder MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var schedules = app.MapGroup("/api/schedules").WithTags("Schedules");
        schedules.MapPut("/{name}", PutAsync);
        schedules.MapGet("/", ListAsync);
        schedules.MapGet("/{name}", GetAsync);
        schedules.MapDelete("/{name}", DeleteAsync);
        schedules.MapPost("/{name}/trigger", TriggerAsync).AddEndpointFilter(Hosting.SubmitBackpressure.AdmitOneAsync);
        schedules.MapPost("/{name}/pause", (string name, IGrainFactory grains) => ChangeAsync(name, grains, s => s.Pause()));
        schedules.MapPost("/{name}/resume", (string name, IGrainFactory grains) => ChangeAsync(name, grains, s => s.Resume()));
        return app;
    }

    private static async Task<IResult> PutAsync(string name, HttpRequest request, IGrainFactory grains, JobHandlerRegistry registry, OrleansJobs.Placement.JobTypeCatalog cluster,
        IOptions<JobServiceOptions> options, IOptionsMonitor<HttpJobOptions> outbound, ApiPaths paths)
    {
        if (!ScheduleRequestParser.IsValidName(name))
            return ApiProblems.Validation("name", $"A schedule name is 1 to {ScheduleKeys.MaxNameLength} letters, digits, '.', '_' and '-'.");
        var maxPayload = options.Value.MaxPayloadBytes;
        var body = await JobEndpoints.ReadBodyAsync(request, maxPayload + 64 * 1024);
        if (body is null) return ApiProblems.TooLarge(maxPayload);
        var limits = options.Value;
        var parsed = new ScheduleRequestParser(new SubmitRequestParser(registry, limits, outbound.CurrentValue, cluster), limits.MinScheduleInterval).Parse(body);
        if (parsed.Job is { IsPayloadTooLarge: true }) return ApiProblems.TooLarge(maxPayload);
        if (parsed.MalformedJson is { } detail) return ApiProblems.BadRequest("The body is not valid JSON.", detail);
        if (parsed.Definition is not { } definition) return TypedResults.ValidationProblem(parsed.Errors, title: "The schedule is invalid.");

        // A new schedule beyond the limit is refused; concurrent creates may pass it by as many as are in flight.
        if (await Grain(grains, name).Get() is null && await grains.GetGrain<IScheduleRegistryGrain>(0).Count() >= limits.MaxSchedules)
            return ApiProblems.Validation("name", $"There are {limits.MaxSchedules} schedules, the limit ({JobServiceOptions.Section}:MaxSchedules); delete one first.");
        var put = await Grain(grains, name).Put(definition);
        var response = ScheduleResponse.From(put.Schedule);
        return put.Created ? TypedResults.Created(paths.Location(request, $"schedules/{name}"), response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> ListAsync(IGrainFactory grains)
    {
        var names = await grains.GetGrain<IScheduleRegistryGrain>(0).Names();
        var views = await Task.WhenAll(names.Select(name => Grain(grains, name).Get()));
        return TypedResults.Ok(new ScheduleListResponse(views.OfType<ScheduleView>().Select(ScheduleResponse.From).ToList()));
    }

    private static async Task<IResult> GetAsync(string name, IGrainFactory grains)
    {
        if (!ScheduleRequestParser.IsValidName(name)) return NotFound(name);
        return await Grain(grains, name).Get() is { } view ? TypedResults.Ok(ScheduleResponse.From(view)) : NotFound(name);
    }

    private static async Task<IResult> DeleteAsync(string name, IGrainFactory grains)
    {
        if (!ScheduleRequestParser.IsValidName(name)) return NotFound(name);
        return await Grain(grains, name).Delete() ? TypedResults.NoContent() : NotFound(name);
    }

    private static async Task<IResult> TriggerAsync(string name, IGrainFactory grains, ApiPaths paths, HttpRequest request)
    {
        if (!ScheduleRequestParser.IsValidName(name)) return NotFound(name);
        try
        {
            var job = (await Grain(grains, name).Trigger()).Job;
            return TypedResults.Accepted(paths.Location(request, $"jobs/{job.Id}"), JobResponse.From(job));
        }
        catch (ScheduleNotFoundException)
        {
            return NotFound(name);
        }
    }

    private static async Task<IResult> ChangeAsync(string name, IGrainFactory grains, Func<IScheduleGrain, Task<ScheduleView>> change)
    {
        if (!ScheduleRequestParser.IsValidName(name)) return NotFound(name);
        try
        {
            return TypedResults.Ok(ScheduleResponse.From(await change(Grain(grains, name))));
        }
        catch (ScheduleNotFoundException)
        {
            return NotFound(name);
        }
    }

    private static IScheduleGrain Grain(IGrainFactory grains, string name) => grains.GetGrain<IScheduleGrain>(ScheduleKeys.GrainKey(name));

    private static IResult NotFound(string name) =>
        TypedResults.Problem($"No schedule has the name '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Schedule not found");
}
