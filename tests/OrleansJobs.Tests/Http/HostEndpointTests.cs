using System.Net;

namespace OrleansJobs.Tests.Http;

/// <summary>What the host serves besides the jobs API: health, the Orleans dashboard, the OpenAPI document.</summary>
[Collection(typeof(SiloHostCollection))]
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
    public async Task OpenApi_document_describes_the_jobs_api()
    {
        using var response = await host.Http.GetAsync("/openapi/v1.json", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"/api/jobs\"", await response.Content.ReadAsStringAsync(Token));
    }
}
