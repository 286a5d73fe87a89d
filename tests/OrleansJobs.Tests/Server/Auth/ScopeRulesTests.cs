using OrleansJobs.Server.Auth;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>The rules behind the endpoints' policies: scope by route and method, loopback detection, JSON bodies, scope parsing.</summary>
[Trait("Kind", "Unit")]
public sealed class ScopeRulesTests
{
    [Theory]
    [InlineData("/api/jobs", "POST", JobScopes.Submit)]
    [InlineData("/api/batches", "POST", JobScopes.Submit)]
    [InlineData("/api/jobs", "GET", JobScopes.Read)]
    [InlineData("/api/jobs/{id}/events", "GET", JobScopes.Read)]
    [InlineData("/api/jobs/{id}/cancel", "POST", JobScopes.Manage)]
    [InlineData("/api/jobs/{id}/retry", "POST", JobScopes.Manage)]
    [InlineData("/api/jobs/delete", "POST", JobScopes.Manage)]
    [InlineData("/api/silos", "GET", JobScopes.Read)]
    [InlineData("/api/stats/timeline", "GET", JobScopes.Read)]
    [InlineData("/api/queues/{name}", "PUT", JobScopes.Manage)]
    [InlineData("/api/job-types", "GET", JobScopes.Read)]
    [InlineData("/api/job-types/{type}", "PUT", JobScopes.Manage)]
    [InlineData("/api/schedules/{name}", "DELETE", JobScopes.Manage)]
    [InlineData("/api/schedules/{name}/trigger", "POST", JobScopes.Manage)]
    [InlineData("/api/workers/lease", "POST", JobScopes.Worker)]
    [InlineData("/api/jobs/{id}/lease/{leaseId}/heartbeat", "POST", JobScopes.Worker)]
    [InlineData("/api/jobs/{id}/lease/{leaseId}/complete", "POST", JobScopes.Worker)]
    [InlineData("/api/jobs/{id}/lease/{leaseId}/fail", "POST", JobScopes.Worker)]
    [InlineData("/hubs/jobs/negotiate", "POST", JobScopes.Read)]
    [InlineData("/openapi/{documentName}.json", "GET", JobScopes.Read)]
    [InlineData("/metrics", "GET", JobScopes.Read)]
    [InlineData("/dashboard/{**path}", "GET", JobScopes.Admin)]
    [InlineData("/something-new", "GET", JobScopes.Admin)]
    [InlineData("/health/ready", "GET", null)]
    [InlineData("/console/", "GET", null)]
    [InlineData("/console/assets/{file}", "GET", null)]
    [InlineData("/console/{**path}", "GET", null)]
    [InlineData("/console/session", "GET", JobScopes.Read)]
    [InlineData("/console/session", "POST", null)]
    [InlineData("/console/session", "DELETE", null)]
    [InlineData("/console/settings.json", "GET", JobScopes.Read)]
    [InlineData("/console/something-new", "POST", JobScopes.Admin)]
    public void Scope_follows_route_and_method(string route, string method, string? scope) =>
        Assert.Equal(scope, JobAuthExtensions.ScopeFor(route, method, openMetrics: false));

    [Fact]
    public void Open_metrics_makes_only_metrics_anonymous()
    {
        Assert.Null(JobAuthExtensions.ScopeFor("/metrics", "GET", openMetrics: true));
        Assert.Equal(JobScopes.Read, JobAuthExtensions.ScopeFor("/api/jobs", "GET", openMetrics: true));
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://10.1.2.3:5000", false)]
    public void Loopback_addresses_are_told_apart(string address, bool loopback) =>
        Assert.Equal(loopback, AnonymousAccessGuard.IsLoopback(address));

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("application/json; charset=utf-8", true)]
    [InlineData("application/merge-patch+json", true)]
    [InlineData("text/plain", false)]
    [InlineData("application/x-www-form-urlencoded", false)]
    [InlineData(null, false)]
    public void Only_json_bodies_are_accepted(string? contentType, bool json) =>
        Assert.Equal(json, JsonBodies.IsJson(contentType));

    [Fact]
    public void Scopes_parse_from_lists_and_commas_and_unknown_ones_are_refused()
    {
        Assert.Equal(["submit", "read"], ApiKey.ParseScopes(["submit, read", "read"]));
        Assert.Throws<InvalidOperationException>(() => ApiKey.ParseScopes(["root"]));
        Assert.StartsWith("oj_", ApiKey.NewSecret());
        Assert.NotEqual(ApiKey.NewSecret(), ApiKey.NewSecret());
    }
}
