using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Hosting;

/// <summary>What the host serves besides the jobs API: health, the Orleans dashboard, the OpenAPI document.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class HostEndpointTests(SiloHostFixture host)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_endpoints_answer_200(string path)
    {
        using var response = await host.Http.GetAsync(path, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Dashboard_serves_its_page_and_redirects_to_it_without_the_slash()
    {
        using var page = await host.Http.GetAsync("/dashboard/", Token);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(Token), StringComparison.OrdinalIgnoreCase);

        using var noRedirects = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = host.BaseAddress };
        using var redirect = await noRedirects.GetAsync("/dashboard", Token);
        Assert.True(redirect.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.MovedPermanently, $"answered {redirect.StatusCode}");
        Assert.EndsWith("/dashboard/", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Dashboard_assets_come_from_the_package_on_demand_gzipped_when_asked_and_revalidated_by_etag()
    {
        using var plain = await host.Http.GetAsync("/dashboard/index.min.js", Token);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("text/javascript", plain.Content.Headers.ContentType?.MediaType);
        var script = await plain.Content.ReadAsByteArrayAsync(Token);
        Assert.True(script.Length > 100_000, $"index.min.js is {script.Length} bytes");

        // The handler does not decompress: the bytes on the wire must be gzip of the same script.
        using var gzipped = new HttpRequestMessage(HttpMethod.Get, "/dashboard/index.min.js") { Headers = { { "Accept-Encoding", "gzip" } } };
        using var compressed = await host.Http.SendAsync(gzipped, Token);
        Assert.Equal("gzip", Assert.Single(compressed.Content.Headers.ContentEncoding));
        await using (var unzip = new System.IO.Compression.GZipStream(await compressed.Content.ReadAsStreamAsync(Token), System.IO.Compression.CompressionMode.Decompress))
        {
            using var copy = new MemoryStream();
            await unzip.CopyToAsync(copy, Token);
            Assert.Equal(script, copy.ToArray());
        }

        var tag = plain.Headers.ETag;
        Assert.NotNull(tag);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/index.min.js") { Headers = { IfNoneMatch = { tag } } };
        using var notModified = await host.Http.SendAsync(again, Token);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        foreach (var (path, type) in new[] { ("/dashboard/index.css", "text/css"), ("/dashboard/fonts/fa-solid-900.woff2", "font/woff2"), ("/dashboard/img/OrleansLogo.png", "image/png") })
        {
            using var asset = await host.Http.GetAsync(path, Token);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
        }

        using var missing = await host.Http.GetAsync("/dashboard/fonts/none.woff2", Token);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // The package's own provider, which would hold every asset raw and gzipped in memory, was never loaded.
        var providerType = typeof(Orleans.Dashboard.DashboardOptions).Assembly.GetType("Orleans.Dashboard.EmbeddedAssetProvider", throwOnError: true)!;
        var provider = host.Services.GetRequiredService(providerType);
        var cache = providerType.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic).Single(f => f.Name == "_resourceCache");
        Assert.Null(cache.GetValue(provider));
    }

    // Found by the boundary fuzz (BoundaryFuzzTests): the dashboard's silo routes threw on an address that is not one (a 500).
    [Theory]
    [InlineData("/dashboard/SiloCounters/not-a-silo")]
    [InlineData("/dashboard/HistoricalStats/%2B")]
    [InlineData("/dashboard/SiloProperties/127.0.0.1")]
    public async Task Dashboard_answers_a_silo_address_that_is_not_one_with_a_404_problem(string path)
    {
        using var response = await host.Http.GetAsync(path, Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Dashboard_shows_the_silo_counters_and_versions_fed_by_the_bounded_host()
    {
        // The package's host takes no part in the silo's start: it would build a provider keeping 2,000 series per
        // Orleans instrument. The bounded one runs in its place.
        var participants = host.Services.GetServices<ILifecycleParticipant<ISiloLifecycle>>().ToList();
        Assert.Contains(participants, p => p is OrleansJobs.Server.Hosting.DashboardMetrics);
        Assert.DoesNotContain(participants, p => p.GetType().FullName == "Orleans.Dashboard.DashboardHost");
        Assert.NotNull(host.Services.GetRequiredService<OrleansJobs.Server.Hosting.DashboardMetrics>().MeterProvider);
        var packageHost = host.Services.GetRequiredService(typeof(Orleans.Dashboard.DashboardOptions).Assembly.GetType("Orleans.Dashboard.DashboardHost", throwOnError: true)!);
        Assert.Null(packageHost.GetType().GetField("_meterProvider", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(packageHost));

        // The dashboard refreshes what it shows once a second.
        string? silo = null;
        await Eventually.Until(async () =>
        {
            using var cluster = JsonDocument.Parse(await host.Http.GetStringAsync("/dashboard/DashboardCounters", Token));
            silo = cluster.RootElement.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("siloAddress").GetString()).FirstOrDefault();
            return silo is not null;
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(250), "the dashboard shows no silo");
        var counters = new List<string>();
        await Eventually.Until(async () =>
        {
            using var page = JsonDocument.Parse(await host.Http.GetStringAsync($"/dashboard/SiloCounters/{silo}", Token));
            counters = [.. page.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
            return counters.Contains("orleans-catalog-activations");
        }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(250), "the dashboard shows no orleans-catalog-activations counter for the silo");
        Assert.True(counters.Count > 20, $"only {counters.Count} counters: {string.Join(", ", counters)}");

        using var properties = JsonDocument.Parse(await host.Http.GetStringAsync($"/dashboard/SiloProperties/{silo}", Token));
        Assert.StartsWith("10.", properties.RootElement.GetProperty("orleansVersion").GetString());
    }

    [Fact]
    public async Task OpenApi_document_describes_the_jobs_api()
    {
        using var response = await host.Http.GetAsync("/openapi/v1.json", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"/api/jobs\"", await response.Content.ReadAsStringAsync(Token));
    }
}
