using System.Reflection;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.WebConsole;

/// <summary>
/// The jobs console at <c>{prefix}/console</c>: a page, its styles and plain ES modules, and the SignalR browser
/// client, all embedded in this assembly (no build step, nothing to install). Every other path under
/// <c>/console</c> serves the page, whose script routes on the address, so <c>/console/jobs/{id}</c> can be
/// bookmarked. The page reads and acts through the same <c>/api</c> endpoints as any client, so what protects
/// them protects the console. The page and its assets carry no data and are served to anyone
/// (<see cref="ScopeFor"/>); when keys are configured the page asks for one (<see cref="ConsoleSignIn"/>).
/// </summary>
public static class ConsoleEndpoints
{
    public const string Path = "/console";
    private const string Shell = "index.html";

    private static readonly Assembly Assets = typeof(ConsoleEndpoints).Assembly;
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private static readonly string VersionTag = Assets.ManifestModule.ModuleVersionId.ToString("N");
    private static readonly Lazy<string> ShellText = new(() =>
    {
        using var reader = new StreamReader(Assets.GetManifestResourceStream(Resource(Shell))!);
        return reader.ReadToEnd();
    });

    /// <summary>Maps the console's page, its assets and the deep-link fallback on <paramref name="endpoints"/>.</summary>
    public static IEndpointRouteBuilder MapJobConsole(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Path).ExcludeFromDescription();
        group.MapGet("/", (HttpContext context) => context.Request.Path.Value?.EndsWith('/') == true
            ? ServeShell(context)
            : Results.Redirect($"{context.Request.PathBase}{context.Request.Path}/{context.Request.QueryString}"));
        group.MapGet("/assets/{file}", (string file, HttpContext context) => ServeAsset(file, context));
        group.MapGet("/settings.json", (IOptions<ConsoleOptions> options) =>
            TypedResults.Ok(new { traceUrl = options.Value.TraceUrl }));
        group.MapGet("/{**path}", ServeShell);
        group.MapConsoleSession();
        return endpoints;
    }

    /// <summary>
    /// The scope of a console endpoint, from its route below <c>/console</c> and its method; null for anonymous. The
    /// page, its assets and the deep-link fallback are anonymous; reading the session needs <c>read</c>; signing in
    /// (the key is checked by the endpoint) and out (which only clears the cookie) are anonymous, though a sign-out that
    /// the cookie signs in carries the antiforgery token like any change (<see cref="ConsoleSignIn.RequireAntiforgeryAsync"/>).
    /// </summary>
    public static string? ScopeFor(string route, string method) => route.TrimEnd('/') switch
    {
        "/session" => HttpMethods.IsGet(method) ? JobScopes.Read : null,
        "/settings.json" => JobScopes.Read,
        _ => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? null : JobScopes.Admin,
    };

    /// <summary>Where the service is mounted, ending in '/': the app's path base and the prefix given to MapOrleansJobs.</summary>
    public static string MountRoot(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var at = path.IndexOf(Path + "/", StringComparison.OrdinalIgnoreCase);
        if (at < 0) at = Math.Max(0, path.Length - Path.Length);
        return context.Request.PathBase + path[..at] + "/";
    }

    private static string Resource(string file) => "OrleansJobs.Console." + file;

    // The shell learns where it is mounted from <base href>: the app's path base, the prefix given to MapOrleansJobs.
    private static IResult ServeShell(HttpContext context)
    {
        var root = MountRoot(context) + Path.TrimStart('/') + "/";
        var html = ShellText.Value.Replace("{{base}}", System.Net.WebUtility.HtmlEncode(root), StringComparison.Ordinal);
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private static IResult ServeAsset(string file, HttpContext context)
    {
        if (file == Shell || file.Contains("..", StringComparison.Ordinal) || Assets.GetManifestResourceInfo(Resource(file)) is null)
            return Results.NotFound();
        var tag = new EntityTagHeaderValue($"\"{VersionTag}/{file}\"");
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Content-Type-Options"] = "nosniff";
        var contentType = file.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8"
            : ContentTypes.TryGetContentType(file, out var known) ? known : "application/octet-stream";
        return Results.Stream(Assets.GetManifestResourceStream(Resource(file))!, contentType, entityTag: tag);
    }
}
