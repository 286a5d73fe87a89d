using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace OrleansJobs.Server.Live;

/// <summary>
/// Problem documents for the errors SignalR answers on its own routes (the hub's negotiate and transport requests).
/// SignalR writes them as plain text before any code of this service runs: a missing or unknown connection token is a
/// 400 or 404 saying so in a sentence. Every other error of the service is an RFC 7807 problem document, so a client
/// handles them all one way; this middleware rewrites those answers into one, with SignalR's sentence as the
/// <c>detail</c> and the same status. Successful answers, the transports' streams among them, pass through untouched.
/// </summary>
public static class HubProblemDetails
{
    /// <summary>Rewrites SignalR's plain-text errors under <paramref name="hub"/> (the hub's path) into problem documents.</summary>
    public static IApplicationBuilder UseHubProblemDetails(this IApplicationBuilder app, PathString hub) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(hub))
        {
            await next(context);
            return;
        }
        var server = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var capture = new PlainTextErrorCapture(context.Response, server.Stream);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(capture, server));
        try
        {
            await next(context);
        }
        finally
        {
            context.Features.Set(server);
        }
        if (!capture.Holding || context.Response.HasStarted) return;

        var status = context.Response.StatusCode;
        context.Response.Headers.ContentLength = null;
        context.Response.ContentType = null;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = capture.Text is { Length: > 0 } text ? text : null },
        });
    });
}
