using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Server.Auth;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>
/// Every endpoint the real host maps carries a scope's policy or explicit anonymous access, and only health is
/// anonymous: an endpoint added later without either fails here.
/// </summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class EndpointScopeTests(SiloHostFixture host)
{
    [Fact]
    public void Every_endpoint_needs_a_scope_or_is_explicitly_anonymous_and_only_health_is_anonymous()
    {
        var endpoints = host.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 20, $"only {endpoints.Count} endpoints found");

        var missing = endpoints.Where(e => !e.Metadata.OfType<IAllowAnonymous>().Any() && !e.Metadata.OfType<IAuthorizeData>().Any(a => a.Policy is not null)).ToList();
        Assert.True(missing.Count == 0, "endpoints without a scope: " + string.Join(", ", missing.Select(e => e.RoutePattern.RawText)));

        var anonymous = endpoints.Where(e => e.Metadata.OfType<IAllowAnonymous>().Any()).Select(e => e.RoutePattern.RawText ?? "").ToList();
        Assert.All(anonymous, route => Assert.StartsWith("/health", route));
        Assert.NotEmpty(anonymous);
    }
}
