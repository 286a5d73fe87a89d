using Microsoft.Extensions.Options;
using OrleansJobs.Api;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Schedules;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.Api;

/// <summary>
/// Recurring schedules (README, "Recurring schedules"). Every error is problem details, as in <see cref="JobEndpoints"/>.
/// A schedule is owned like a job: by the key that created it, kept when anyone (an admin) changes it later, and passed
/// on to every job it starts. A key without <c>admin</c> lists, reads, changes and triggers only its own schedules;
/// another key's answers exactly as a missing one (<see cref="JobCaller.SeesOwnerOf"/>).
/// </summary>
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
        schedules.MapPost("/{name}/pause", (string name, JobCaller caller, IGrainFactory grains) => ChangeAsync(name, caller, grains, s => s.Pause()));
        schedules.MapPost("/{name}/resume", (string name, JobCaller caller, IGrainFactory grains) => ChangeAsync(name, caller, grains, s => s.Resume()));
        return app;
    }

    private static async Task<IResult> PutAsync(string name, HttpRequest request, JobCaller caller, IGrainFactory grains, JobHandlerRegistry registry, OrleansJobs.Placement.JobTypeCatalog cluster,
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

        var existing = await Grain(grains, name).Get();
        if (existing is not null && !caller.SeesOwnerOf(existing.Definition.Job.Owner)) return NotFound(name);
        // A new schedule beyond the limit is refused; concurrent creates may pass it by as many as are in flight.
        if (existing is null && await grains.GetGrain<IScheduleRegistryGrain>(0).Count() >= limits.MaxSchedules)
            return ApiProblems.Validation("name", $"There are {limits.MaxSchedules} schedules, the limit ({JobServiceOptions.Section}:MaxSchedules); delete one first.");
        var owner = existing is null ? caller.Owner : existing.Definition.Job.Owner;
        var put = await Grain(grains, name).Put(definition with { Job = definition.Job with { Owner = owner } });
        var response = ScheduleResponse.From(put.Schedule);
        return put.Created ? TypedResults.Created(paths.Location(request, $"schedules/{name}"), response) : TypedResults.Ok(response);
    }

    private static async Task<IResult> ListAsync(JobCaller caller, IGrainFactory grains)
    {
        var names = await grains.GetGrain<IScheduleRegistryGrain>(0).Names();
        var views = await Task.WhenAll(names.Select(name => Grain(grains, name).Get()));
        return TypedResults.Ok(new ScheduleListResponse(views.OfType<ScheduleView>()
            .Where(view => caller.SeesOwnerOf(view.Definition.Job.Owner)).Select(ScheduleResponse.From).ToList()));
    }

    private static async Task<IResult> GetAsync(string name, JobCaller caller, IGrainFactory grains)
    {
        if (!ScheduleRequestParser.IsValidName(name)) return NotFound(name);
        return await Grain(grains, name).Get() is { } view && caller.SeesOwnerOf(view.Definition.Job.Owner)
            ? TypedResults.Ok(ScheduleResponse.From(view))
            : NotFound(name);
    }

    private static async Task<IResult> DeleteAsync(string name, JobCaller caller, IGrainFactory grains)
    {
        if (!ScheduleRequestParser.IsValidName(name) || !await MaySeeAsync(name, caller, grains)) return NotFound(name);
        return await Grain(grains, name).Delete() ? TypedResults.NoContent() : NotFound(name);
    }

    private static async Task<IResult> TriggerAsync(string name, JobCaller caller, IGrainFactory grains, ApiPaths paths, HttpRequest request)
    {
        if (!ScheduleRequestParser.IsValidName(name) || !await MaySeeAsync(name, caller, grains)) return NotFound(name);
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

    private static async Task<IResult> ChangeAsync(string name, JobCaller caller, IGrainFactory grains, Func<IScheduleGrain, Task<ScheduleView>> change)
    {
        if (!ScheduleRequestParser.IsValidName(name) || !await MaySeeAsync(name, caller, grains)) return NotFound(name);
        try
        {
            return TypedResults.Ok(ScheduleResponse.From(await change(Grain(grains, name))));
        }
        catch (ScheduleNotFoundException)
        {
            return NotFound(name);
        }
    }

    /// <summary>
    /// False when <paramref name="caller"/> may not see the schedule; true without a call for admins. A schedule's owner
    /// never changes, so a look before a change is as good as one inside it.
    /// </summary>
    private static async Task<bool> MaySeeAsync(string name, JobCaller caller, IGrainFactory grains) =>
        caller.SeesAll || await Grain(grains, name).Get() is { } view && caller.SeesOwnerOf(view.Definition.Job.Owner);

    private static IScheduleGrain Grain(IGrainFactory grains, string name) => grains.GetGrain<IScheduleGrain>(ScheduleKeys.GrainKey(name));

    private static IResult NotFound(string name) =>
        TypedResults.Problem($"No schedule has the name '{name}'.", statusCode: StatusCodes.Status404NotFound, title: "Schedule not found");
}
