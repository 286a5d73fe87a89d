using System.Reflection;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace OrleansJobs.Server.WebConsole;

/// <summary>
/// The jobs console at <c>{prefix}/console</c>: a page, its styles and plain ES modules, and the SignalR browser
/// client, all embedded in this assembly (no build step, nothing to install). Every other path under
/// <c>/console</c> serves the page, whose script routes on the address, so <c>/console/jobs/{id}</c> can be
/// bookmarked. The page reads and acts through the same <c>/api</c> endpoints as any client, so what protects
/// them protects the console.
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
        return endpoints;
    }

    private static string Resource(string file) => "OrleansJobs.Console." + file;

    // The shell learns where it is mounted from <base href>: the app's path base, the prefix given to MapOrleansJobs.
    private static IResult ServeShell(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var at = path.IndexOf(Path + "/", StringComparison.OrdinalIgnoreCase);
        if (at < 0) at = path.Length - Path.Length;
        var root = context.Request.PathBase + path[..at] + Path + "/";
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
