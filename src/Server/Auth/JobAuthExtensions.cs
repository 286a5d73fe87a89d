using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;
using OrleansJobs.Server.Hosting;
using OrleansJobs.Server.WebConsole;

namespace OrleansJobs.Server.Auth;

/// <summary>API keys, scopes and the policy of every endpoint (see SECURITY.md).</summary>
public static class JobAuthExtensions
{
    /// <summary>Adds the API-key scheme, a policy per scope, the key store and the guard against anonymous exposure.</summary>
    public static IHostApplicationBuilder AddJobAuth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobAuthOptions>().BindConfiguration(JobAuthOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyStore>();
        builder.Services.AddSingleton<AnonymousAccess>();
        builder.Services.AddSingleton<ApiKeyTable>();
        builder.Services.AddSingleton<JobVisibility>();
        builder.Services.AddSingleton<ApiKeyRefresher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ApiKeyRefresher>());
        builder.Services.AddHostedService<AnonymousAccessGuard>();
        builder.Services.AddAntiforgery(); // for changes the console's cookie signs in (ConsoleSignIn)
        builder.Services.AddAuthentication()
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        var schemes = new List<string> { ApiKeyAuthenticationHandler.SchemeName };
        if (JwtBearerSupport.Add(builder) is { } jwt) schemes.Add(jwt);
        builder.Services.AddAuthorization(o =>
        {
            foreach (var scope in JobScopes.All)
            {
                o.AddPolicy(JobScopes.Policy(scope), policy => policy
                    .AddAuthenticationSchemes([.. schemes])
                    .RequireAuthenticatedUser()
                    .RequireAssertion(context => Grants(context.User, scope)));
            }
        });
        return builder;
    }

    /// <summary>True when <paramref name="user"/> holds <paramref name="scope"/> or <c>admin</c> (a JWT's space-separated <c>scope</c> claim counts).</summary>
    public static bool Grants(System.Security.Claims.ClaimsPrincipal user, string scope) =>
        user.FindAll(JobScopes.ClaimType).Concat(user.FindAll("scp"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Any(s => s == scope || s == JobScopes.Admin);

    /// <summary>Authentication, authorization and the JSON-only rule for request bodies, inside the API's middleware.</summary>
    public static IApplicationBuilder UseJobAuth(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(ConsoleSignIn.RequireAntiforgeryAsync);
        app.Use(JsonBodies.RefuseOthersAsync);
        return app;
    }

    /// <summary>
    /// One convention on the service's route group: every endpoint gets the policy of its scope, or explicit anonymous
    /// access (health, and metrics when opened), so that no endpoint is left out, a new one included.
    /// </summary>
    public static RouteGroupBuilder RequireJobScopes(this RouteGroupBuilder group, PathString under, bool openMetrics)
    {
        ((IEndpointConventionBuilder)group).Add(endpoint =>
        {
            if (endpoint.Metadata.OfType<IAllowAnonymous>().Any() || endpoint.Metadata.OfType<IAuthorizeData>().Any()) return;
            var pattern = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText ?? "";
            var method = endpoint.Metadata.OfType<IHttpMethodMetadata>().FirstOrDefault()?.HttpMethods.FirstOrDefault() ?? "GET";
            var scope = ScopeFor(Relative(pattern, under), method, openMetrics);
            endpoint.Metadata.Add(scope is null ? new AllowAnonymousAttribute() : new AuthorizeAttribute(JobScopes.Policy(scope)));
        });
        return group;
    }

    /// <summary>The scope an endpoint needs, from its route (relative to the service's prefix) and method; null for anonymous.</summary>
    public static string? ScopeFor(string route, string method, bool openMetrics)
    {
        route = "/" + route.TrimStart('/');
        if (Under(route, "/health")) return null;
        if (Under(route, "/metrics")) return openMetrics ? null : JobScopes.Read;
        if (Under(route, "/openapi") || Under(route, JobLiveExtensions.HubPath)) return JobScopes.Read;
        if (Under(route, DashboardAssets.Prefix)) return JobScopes.Admin;
        if (Under(route, ConsoleEndpoints.Path)) return ConsoleEndpoints.ScopeFor(route[ConsoleEndpoints.Path.Length..], method);
        if (!Under(route, "/api")) return JobScopes.Admin; // an endpoint nobody classified: the safest
        if (Under(route, "/api/workers") || IsLeaseRoute(route)) return JobScopes.Worker;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method)) return JobScopes.Read;
        if (HttpMethods.IsPost(method) && route.TrimEnd('/') is "/api/jobs" or "/api/batches") return JobScopes.Submit;
        return JobScopes.Manage;
    }

    /// <summary>A lease's own routes: <c>/api/jobs/{id}/lease/{leaseId}/...</c>.</summary>
    private static bool IsLeaseRoute(string route) =>
        route.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["api", "jobs", _, "lease", ..];

    private static bool Under(string route, string prefix) =>
        route.Equals(prefix, StringComparison.OrdinalIgnoreCase) || route.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase);

    private static string Relative(string pattern, PathString under)
    {
        var path = "/" + pattern.TrimStart('/');
        return under.HasValue && path.StartsWith(under.Value!, StringComparison.OrdinalIgnoreCase) ? path[under.Value!.Length..] : path;
    }
}
