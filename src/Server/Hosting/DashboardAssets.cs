using System.IO.Compression;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Orleans.Dashboard;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Serves the Orleans dashboard's web page, script, styles, fonts and images from the package's embedded resources
/// when they are asked for. The package's own asset provider reads every resource at start, keeps each raw and
/// gzipped in memory, and so holds about 45 MiB of every silo that runs the dashboard for a page opened now and then
/// (measured: 239 MiB resident against 191 MiB without it). Its routes stay mapped (the dashboard's API lives next to
/// them) but lose to ours, which come first; the provider itself is registered unloaded.
/// </summary>
public static class DashboardAssets
{
    public const string Prefix = "/dashboard";

    private const string AssetProviderType = "Orleans.Dashboard.EmbeddedAssetProvider";
    private static readonly Assembly Package = typeof(DashboardOptions).Assembly;
    private static readonly string ResourcePrefix = Package.GetName().Name + ".wwwroot.";
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    // Resources change only with the package: its version identifies them.
    private static readonly string VersionTag = Package.ManifestModule.ModuleVersionId.ToString("N");

    /// <summary>
    /// Registers the package's asset provider without running its constructor (which loads the assets). Nothing calls
    /// it once <see cref="MapDashboardAssets"/> has mapped the asset routes; if a later package renames the type, the
    /// registration is left as it was and the dashboard works as before, at its old cost.
    /// </summary>
    public static void ServeOnDemand(IServiceCollection services)
    {
        if (Package.GetType(AssetProviderType) is not { } providerType) return;
        services.RemoveAll(providerType);
        services.AddSingleton(providerType, RuntimeHelpers.GetUninitializedObject(providerType));
    }

    /// <summary>The asset routes of the dashboard, ahead of the package's (a lower order wins among equal routes).</summary>
    public static void MapDashboardAssets(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup(Prefix);
        group.MapGet("/", (HttpContext context) => context.Request.Path.Value?.EndsWith('/') == true
            ? Serve("index.html", context)
            : Results.Redirect($"{context.Request.PathBase}{context.Request.Path}/{context.Request.QueryString}", permanent: true));
        foreach (var file in new[] { "index.html", "favicon.ico", "index.min.js", "index.css" })
            group.MapGet("/" + file, (HttpContext context) => Serve(file, context));
        group.MapGet("/fonts/{**path}", (string path, HttpContext context) => Serve("fonts/" + path, context));
        group.MapGet("/img/{**path}", (string path, HttpContext context) => Serve("img/" + path, context));
        group.WithOrder(-1);
    }

    private static IResult Serve(string path, HttpContext context)
    {
        var resource = ResourcePrefix + path.Replace('/', '.');
        if (path.Contains("..", StringComparison.Ordinal) || Package.GetManifestResourceInfo(resource) is null) return Results.NotFound();

        var tag = new EntityTagHeaderValue($"\"{VersionTag}/{path}\"");
        var response = context.Response;
        response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == tag.ToString())
        {
            response.Headers.ETag = tag.ToString();
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        var contentType = ContentTypes.TryGetContentType(path, out var known) ? known : "application/octet-stream";
        var gzip = AcceptsGzip(context.Request) && !contentType.StartsWith("font/", StringComparison.Ordinal) && !contentType.StartsWith("image/", StringComparison.Ordinal);
        if (gzip)
        {
            response.Headers.ContentEncoding = "gzip";
            response.Headers.Vary = HeaderNames.AcceptEncoding;
        }

        return Results.Stream(async body =>
        {
            await using var source = Package.GetManifestResourceStream(resource)!;
            if (!gzip)
            {
                await source.CopyToAsync(body, context.RequestAborted);
                return;
            }

            await using var compressed = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true);
            await source.CopyToAsync(compressed, context.RequestAborted);
        }, contentType, entityTag: tag);
    }

    private static bool AcceptsGzip(HttpRequest request)
    {
        foreach (var encoding in request.GetTypedHeaders().AcceptEncoding)
        {
            if (encoding.Quality is not 0 && StringSegment.Equals(encoding.Value, "gzip", StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }
}
