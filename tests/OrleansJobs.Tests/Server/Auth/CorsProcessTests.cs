using System.Net;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>CORS from outside: real preflight and cross-origin requests, as a browser sends them, against silo processes.</summary>
[Trait("Kind", "Process")]
public sealed class CorsProcessTests
{
    private const string Allowed = "https://app.example.com";
    private const string Other = "https://evil.example.net";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PreflightAsync(SiloProcess silo, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/jobs");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type,x-api-key");
        return silo.Http.SendAsync(request, Token);
    }

    private static Task<HttpResponseMessage> GetAsync(SiloProcess silo, string origin, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/jobs");
        request.Headers.Add("Origin", origin);
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return silo.Http.SendAsync(request, Token);
    }

    private static string? AllowOrigin(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? string.Join(",", values) : null;

    private static bool HasCorsHeaders(HttpResponseMessage response) =>
        response.Headers.Any(header => header.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));

    [Fact]
    public async Task A_configured_origin_gets_cors_headers_on_preflights_and_answers_and_another_origin_gets_none()
    {
        await using var silo = await SiloProcess.StartReadyAsync(
            [.. KeyedSiloFixture.KeyArgs("reader", KeyedSiloFixture.Reader, "read"), $"--OrleansJobs:Cors:Origins={Allowed}, https://other-app.example.com"]);

        using var preflight = await PreflightAsync(silo, Allowed);
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Allowed, AllowOrigin(preflight));
        var allowedHeaders = string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("x-api-key", allowedHeaders);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));

        using var read = await GetAsync(silo, Allowed, KeyedSiloFixture.Reader);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(Allowed, AllowOrigin(read));

        // The page can read why it was refused, and still needs a key: CORS opens no door the key check closes.
        using var keyless = await GetAsync(silo, Allowed, key: null);
        Assert.Equal(HttpStatusCode.Unauthorized, keyless.StatusCode);
        Assert.Equal(Allowed, AllowOrigin(keyless));

        using var otherPreflight = await PreflightAsync(silo, Other);
        Assert.False(HasCorsHeaders(otherPreflight));
        using var otherRead = await GetAsync(silo, Other, KeyedSiloFixture.Reader);
        Assert.Equal(HttpStatusCode.OK, otherRead.StatusCode);
        Assert.False(HasCorsHeaders(otherRead));
    }

    [Fact]
    public async Task Without_configured_origins_no_request_gets_cors_headers()
    {
        await using var silo = await SiloProcess.StartReadyAsync([.. KeyedSiloFixture.KeyArgs("reader", KeyedSiloFixture.Reader, "read")]);

        using var preflight = await PreflightAsync(silo, Allowed);
        using var read = await GetAsync(silo, Allowed, KeyedSiloFixture.Reader);

        Assert.False(HasCorsHeaders(preflight));
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.False(HasCorsHeaders(read));
    }
}
