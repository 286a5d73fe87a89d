namespace OrleansJobs.Server.Api;

/// <summary>
/// Where the API is mapped in the application: under the prefix given to <c>MapOrleansJobs</c> (none in the
/// standalone silo) and the request's path base. Locations in answers are built here, so they point back to the API
/// wherever it lives.
/// </summary>
public sealed class ApiPaths
{
    /// <summary>The prefix the job service's endpoints are mapped under, such as <c>/jobs</c>; empty for none.</summary>
    public PathString Prefix { get; private set; }

    /// <summary>The root of the HTTP API: the prefix, then <c>/api</c>.</summary>
    public PathString Api => Prefix.Add("/api");

    /// <summary>Set once, when the endpoints are mapped.</summary>
    public void MapUnder(PathString prefix) => Prefix = prefix;

    /// <summary>The path of <c>/api/</c><paramref name="relative"/> as the caller reaches it, for a Location header.</summary>
    public string Location(HttpRequest request, string relative) => $"{request.PathBase}{Api}/{relative}";
}
