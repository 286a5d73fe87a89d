using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Server.Auth;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>
/// Every endpoint the real host maps carries a scope's policy or explicit anonymous access, and only health and the
/// console's page, assets and sign-in are anonymous: an endpoint added later without either fails here.
/// </summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class EndpointScopeTests(SiloHostFixture host)
{
    [Fact]
    public void Every_endpoint_needs_a_scope_or_is_explicitly_anonymous_and_only_health_and_the_console_shell_are_anonymous()
    {
        var endpoints = host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} endpoints found");

        var missing = endpoints.Where(e => !e.Metadata.OfType<IAllowAnonymous>().Any() && !e.Metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null)).ToList();
        Assert.True(missing.Count == 0, "endpoints without a scope: " + string.Join(", ", missing.Select(e => e.RoutePattern.RawText)));

        var anonymous = endpoints.Where(e => e.Metadata.OfType<IAllowAnonymous>().Any())
            .Select(e => (e.RoutePattern.RawText ?? "") + " " + string.Join(",", e.Metadata.OfType<IHttpMethodMetadata>().SelectMany(m => m.HttpMethods)))
            .ToList();
        string[] console = ["/console/ GET", "/console/assets/{file} GET", "/console/{**path} GET", "/console/session POST", "/console/session DELETE"];
        Assert.All(anonymous, route => Assert.True(route.StartsWith("/health", StringComparison.Ordinal) || console.Contains(route), route + " is anonymous"));
        Assert.All(console, route => Assert.Contains(route, anonymous));

        var timeline = Assert.Single(endpoints, e => e.RoutePattern.RawText == "/api/stats/timeline");
        Assert.Equal(JobScopes.Policy(JobScopes.Read), Assert.Single(timeline.Metadata.OfType<IAuthorizeData>()).Policy);
    }

    [Theory]
    [InlineData("/api/job-types/{type}", "PUT", JobScopes.Manage)]
    [InlineData("/api/job-types/", "GET", JobScopes.Read)]
    [InlineData("/api/workers/lease", "POST", JobScopes.Worker)]
    public void The_job_type_and_worker_endpoints_need_their_scopes(string route, string method, string scope)
    {
        var endpoint = host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Single(e => e.RoutePattern.RawText == route && e.Metadata.OfType<IHttpMethodMetadata>().Any(m => m.HttpMethods.Contains(method)));
        Assert.Equal([JobScopes.Policy(scope)], endpoint.Metadata.OfType<IAuthorizeData>().Select(a => a.Policy));
    }
}
