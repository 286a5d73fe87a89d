using System.Diagnostics;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Correlation ids on the API: a request's <c>X-Correlation-Id</c>, or a new one (the request's trace id) when it has
/// none, is echoed in the response and put in the logging scope of everything logged while serving the request. A
/// submitted job keeps it (the body's <c>correlationId</c> wins over the header) and hands it to its handlers, its
/// <c>http</c> calls and its completion callback.
/// </summary>
public static class CorrelationIds
{
    public const string Header = "X-Correlation-Id";
    /// <summary>The longest correlation id taken.</summary>
    public const int MaxLength = 128;
    private static readonly object ItemKey = new();

    /// <summary>Gives every request under <paramref name="api"/> its correlation id.</summary>
    public static IApplicationBuilder UseCorrelationIds(this IApplicationBuilder app, PathString api) => app.Use(async (context, next) =>
    {
        if (!context.Request.Path.StartsWithSegments(api))
        {
            await next(context);
            return;
        }
        var id = context.Request.Headers[Header].FirstOrDefault() is { } given && IsValid(given) ? given : NewId();
        context.Items[ItemKey] = id;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = Of(context);
            return Task.CompletedTask;
        });
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("OrleansJobs.Api");
        using (logger.BeginScope(new Dictionary<string, object?> { ["CorrelationId"] = id }))
            await next(context);
    });

    /// <summary>
    /// 1 to <see cref="MaxLength"/> printable ASCII characters (space to '~'): an id goes into response headers, log
    /// scopes and outbound requests, where control or non-ASCII characters would break or forge them.
    /// </summary>
    public static bool IsValid(string id) => id.Length is > 0 and <= MaxLength && !id.AsSpan().ContainsAnyExceptInRange(' ', '~');

    /// <summary>The error of an invalid correlation id.</summary>
    public static string Problem(string source) => $"{source} must be 1 to {MaxLength} printable ASCII characters.";

    /// <summary>
    /// The correlation id of a caller that brings none: the trace id of <see cref="Activity.Current"/>, or a new random
    /// id outside any trace. A request without the header gets it, and so does an in-process submit without one.
    /// </summary>
    public static string NewId() => Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");

    /// <summary>The request's correlation id: the one it sent, or the one made for it.</summary>
    public static string? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var id) ? id as string : null;

    /// <summary>Replaces the id the response echoes: a submit whose body names another one answers with that.</summary>
    public static void Set(HttpContext context, string id) => context.Items[ItemKey] = id;
}
