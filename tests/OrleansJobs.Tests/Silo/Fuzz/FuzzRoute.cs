using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using OrleansJobs.Silo;

namespace OrleansJobs.Tests.Silo.Fuzz;

/// <summary>
/// One endpoint the fuzzer sends requests to: its method and route template (<c>/api/jobs/{id}/cancel</c>), read from
/// the real host's route table so that an endpoint added later is fuzzed without anyone listing it.
/// </summary>
public sealed record FuzzRoute(string Method, string Template)
{
    /// <summary>The methods that change something: every endpoint with one of them must be fuzzed.</summary>
    public static readonly string[] WriteMethods = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>Whether the endpoint changes something (and is therefore one the fuzzer must cover).</summary>
    public bool IsWrite => WriteMethods.Contains(Method, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Every endpoint the standalone silo maps, with each of its methods, as the route table of a host built (not started) from
    /// the same settings (its data sources: the host's own list of endpoints is filled in when it starts). An endpoint
    /// that names no method (SignalR's negotiate) takes any, so it is fuzzed as a write, with POST: SignalR's own negotiate route included, which the hub fuzz covers as well.
    /// </summary>
    public static async Task<IReadOnlyList<FuzzRoute>> OfTheSiloAsync()
    {
        var data = Directory.CreateTempSubdirectory("orleansjobs-fuzz-routes-").FullName;
        try
        {
            await using var app = await SiloApp.BuildAsync(
                [$"--contentRoot={AppContext.BaseDirectory}", $"--OrleansJobs:DataDirectory={data}", "--urls=http://127.0.0.1:0"]);
            return
            [
                .. ((IEndpointRouteBuilder)app).DataSources.SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
                    .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [HttpMethods.Post])
                        .Select(method => new FuzzRoute(method.ToUpperInvariant(), "/" + (e.RoutePattern.RawText ?? "").Trim('/'))))
                    .Distinct()
                    .OrderBy(r => r.Template, StringComparer.Ordinal).ThenBy(r => r.Method, StringComparer.Ordinal),
            ];
        }
        finally
        {
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    public override string ToString() => $"{Method} {Template}";
}
