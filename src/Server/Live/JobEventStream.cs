using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Api;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.Live;

/// <summary>
/// <c>GET /api/jobs/{id}/events</c>: the job's events as server-sent events (<c>id:</c> = sequence, <c>event:</c> =
/// kind, <c>data:</c> = the hub's message), starting with the current state and closing after a terminal status.
/// A reconnecting client's <c>Last-Event-ID</c> skips what it has: since every event carries the whole current
/// status and progress, the current state stands in for anything missed.
/// </summary>
public static class JobEventStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapJobEventStream(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/jobs/{id}/events", StreamAsync).WithTags("Jobs").Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    private static async Task<IResult> StreamAsync(string id, HttpContext http, IGrainFactory grains, JobWatchRegistry registry, IHostApplicationLifetime lifetime,
        JobVisibility visibility, JobCaller caller)
    {
        // An unknown job, or one the caller may not see, is refused before anything is subscribed or written (watching
        // switches its events on, durably).
        if (!JobIds.IsValid(id) || await visibility.VisibleAsync(id, caller) is null) return ApiProblems.NotFound(id);
        var after = long.TryParse(http.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? http.Request.Query["lastEventId"].FirstOrDefault(),
            NumberStyles.None, CultureInfo.InvariantCulture, out var lastEventId) ? lastEventId : -1;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var events = Channel.CreateUnbounded<JobEvent>(new UnboundedChannelOptions { SingleReader = true });
        await using var lease = await registry.WatchAsync(id, e =>
        {
            events.Writer.TryWrite(e);
            return Task.CompletedTask;
        }, stop.Token);
        var state = await grains.GetGrain<IJobGrain>(id).Watch();
        if (state is null) return ApiProblems.NotFound(id);

        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // proxies must not hold events back
        await response.Body.FlushAsync(stop.Token);

        try
        {
            var current = JobEvent.Snapshot(state);
            if (current.Sequence > after)
            {
                await WriteAsync(response, current, stop.Token);
                after = current.Sequence;
            }

            if (state.Status.IsTerminal()) return Results.Empty;
            while (true)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
                wait.CancelAfter(KeepAlive);
                JobEvent next;
                try
                {
                    next = await events.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stop.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", stop.Token);
                    await response.Body.FlushAsync(stop.Token);
                    continue;
                }

                if (next.Sequence <= after) continue;
                await WriteAsync(response, next, stop.Token);
                after = next.Sequence;
                if (next.Kind == JobEventKind.Status && next.Status.IsTerminal()) return Results.Empty;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return Results.Empty; // the client left, or the silo is stopping: the client reconnects with Last-Event-ID
        }
    }

    private static async Task WriteAsync(HttpResponse response, JobEvent jobEvent, CancellationToken cancellationToken)
    {
        var message = JobEventMessage.From(jobEvent);
        var data = JsonSerializer.Serialize(message, JsonSerializerOptions.Web);
        await response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"id: {message.Sequence}\nevent: {message.Kind}\ndata: {data}\n\n"), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
