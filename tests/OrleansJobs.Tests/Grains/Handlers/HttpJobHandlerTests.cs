using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansJobs.Handlers;
using OrleansJobs.Handlers.BuiltIn;
using Xunit;

namespace OrleansJobs.Tests.Grains.Handlers;

[Trait("Kind", "Silo")]
public sealed class HttpJobHandlerTests(HttpJobHandlerTests.LoopbackServer server) : IClassFixture<HttpJobHandlerTests.LoopbackServer>
{
    [Fact]
    public async Task A_2xx_answer_succeeds_with_status_and_json_body()
    {
        var result = await Run(new { url = server.Url("/json") });

        Assert.Equal("""{"status":200,"body":{"hello":"world"}}""", result?.ToJsonString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_returned_as_text()
    {
        var result = await Run(new { url = server.Url("/text") });

        Assert.Equal("plain words", result?["body"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_truncated()
    {
        var result = await Run(new { url = server.Url("/large") });

        Assert.Equal(HttpJobHandler.MaxBodyBytes, result?["body"]?.GetValue<string>().Length);
        Assert.True(result?["truncated"]?.GetValue<bool>());
    }

    [Fact]
    public async Task Method_headers_body_and_correlation_id_are_sent()
    {
        var result = await Run(
            new { url = server.Url("/echo"), method = "put", headers = new Dictionary<string, string> { ["X-Tenant"] = "acme" }, body = new { answer = 42 } },
            correlationId: "corr-42");

        var echo = result?["body"];
        Assert.Equal("PUT", echo?["method"]?.GetValue<string>());
        Assert.Equal("acme", echo?["tenant"]?.GetValue<string>());
        Assert.Equal("corr-42", echo?["correlationId"]?.GetValue<string>());
        Assert.StartsWith("application/json", echo?["contentType"]?.GetValue<string>());
        Assert.Equal("""{"answer":42}""", echo?["body"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_string_body_is_sent_as_text_with_post_by_default()
    {
        var echo = (await Run(new { url = server.Url("/echo"), body = "hello" }))?["body"];

        Assert.Equal("POST", echo?["method"]?.GetValue<string>());
        Assert.StartsWith("text/plain", echo?["contentType"]?.GetValue<string>());
        Assert.Equal("hello", echo?["body"]?.GetValue<string>());
        Assert.Null(echo?["correlationId"]);
    }

    [Fact]
    public async Task A_4xx_answer_fails_the_job_with_its_status()
    {
        var error = await RunExpectingFailure(new { url = server.Url("/missing") });

        Assert.False(error.Retryable);
        Assert.Contains("404", error.Message);
        Assert.Contains("no such thing", error.Message);
    }

    [Theory]
    [InlineData("/boom", "500")]
    [InlineData("/throttled", "429")]
    public async Task A_5xx_or_429_answer_fails_the_attempt_for_a_retry(string path, string status)
    {
        var error = await RunExpectingFailure(new { url = server.Url(path) });

        Assert.True(error.Retryable);
        Assert.Contains(status, error.Message);
    }

    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        var error = await RunExpectingFailure(new { url = server.Url("/redirect") });

        Assert.False(error.Retryable);
        Assert.Contains("redirects are not followed", error.Message);
    }

    [Fact]
    public async Task The_calls_own_timeout_fails_the_attempt_for_a_retry()
    {
        var error = await RunExpectingFailure(new { url = server.Url("/slow"), timeout = "00:00:00.3" });

        Assert.True(error.Retryable);
        Assert.Contains("timed out", error.Message);
    }

    [Fact]
    public async Task Cancelling_the_job_propagates_as_cancellation_not_as_a_failure()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(new { url = server.Url("/slow") }, cancellationToken: cancellation.Token));
    }

    [Fact]
    public async Task A_network_error_fails_the_attempt_for_a_retry()
    {
        var error = await RunExpectingFailure(new { url = $"http://127.0.0.1:{UnusedPort()}/" });

        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task A_host_off_the_allow_list_fails_the_job_naming_the_host_and_the_setting()
    {
        var error = await RunExpectingFailure(new { url = $"http://localhost:{server.Port}/json" });

        Assert.False(error.Retryable);
        Assert.Contains($"localhost:{server.Port}", error.Message);
        Assert.Contains("OrleansJobs:Http:AllowedHosts", error.Message);
    }

    [Fact]
    public async Task A_name_on_the_allow_list_that_resolves_to_loopback_connects_only_when_the_address_is_listed_too()
    {
        var error = await RunExpectingFailure(new { url = $"http://localhost:{server.Port}/json" }, allowedHosts: $"localhost:{server.Port}");
        var allowed = await Run(new { url = $"http://localhost:{server.Port}/json" }, allowedHosts: $"localhost:{server.Port},127.0.0.1:{server.Port}");

        Assert.Contains("Refused to connect to 'localhost'", error.Message);
        Assert.Equal(200, allowed?["status"]?.GetValue<int>());
    }

    [Fact]
    public async Task An_allow_list_entry_with_a_port_allows_only_that_port()
    {
        var allowed = await Run(new { url = server.Url("/json") }, allowedHosts: $"127.0.0.1:{server.Port}");
        var error = await RunExpectingFailure(new { url = $"http://127.0.0.1:{UnusedPort()}/" }, allowedHosts: $"127.0.0.1:{server.Port}");

        Assert.Equal(200, allowed?["status"]?.GetValue<int>());
        Assert.False(error.Retryable);
    }

    [Theory]
    [InlineData("""{ "url": "/relative" }""")]
    [InlineData("""{ "url": "ftp://127.0.0.1/file" }""")]
    [InlineData("""{ "method": "GET" }""")]
    [InlineData("""{ "url": "http://127.0.0.1/", "method": "NOT A METHOD" }""")]
    [InlineData("""{ "url": "http://127.0.0.1/", "timeout": "0:00:00" }""")]
    [InlineData("""{ "url": "http://127.0.0.1/", "headers": { "Content-Type": "text/plain" } }""")]
    [InlineData("""{ "url": "http://127.0.0.1/", "headers": { "X-Count": 1 } }""")]
    public async Task An_invalid_stored_payload_fails_the_job(string payload)
    {
        var error = await Assert.ThrowsAsync<JobFailedException>(() => Run(payload));

        Assert.False(error.Retryable);
        Assert.StartsWith("Invalid http payload", error.Message);
    }

    [Fact]
    public void Allowed_hosts_are_read_from_an_array_or_a_comma_separated_string()
    {
        Assert.Equal(["a.example", "b.example:8080"], ReadOptions(("AllowedHosts", "a.example, b.example:8080")).AllowedHosts);
        Assert.Equal(["a.example", "[::1]:5000"], ReadOptions(("AllowedHosts:0", "a.example"), ("AllowedHosts:1", "[::1]:5000")).AllowedHosts);
    }

    [Theory]
    [InlineData("http://a.example")]
    [InlineData("a.example/path")]
    [InlineData("a.example:99999")]
    [InlineData("a.example:*80")]
    [InlineData("::1")]
    public void A_malformed_allow_list_entry_is_refused_at_start(string entry) =>
        Assert.Throws<OptionsValidationException>(() => ReadOptions(("AllowedHosts", entry)));

    private static HttpJobOptions ReadOptions(params (string Key, string Value)[] settings)
    {
        using var services = CreateServices(settings.Select(s => ($"{HttpJobOptions.SectionName}:{s.Key}", s.Value)));
        return services.GetRequiredService<IOptions<HttpJobOptions>>().Value;
    }

    private static ServiceProvider CreateServices(IEnumerable<(string Key, string Value)> settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddBuiltInJobHandlers().BuildServiceProvider(validateScopes: true);
    }

    private Task<JsonNode?> Run(
        object payload, string allowedHosts = "127.0.0.1:*", string? correlationId = null, CancellationToken? cancellationToken = null) =>
        Run(System.Text.Json.JsonSerializer.Serialize(payload), allowedHosts, correlationId, cancellationToken);

    private static async Task<JsonNode?> Run(
        string payload, string allowedHosts = "127.0.0.1:*", string? correlationId = null, CancellationToken? cancellationToken = null)
    {
        await using var services = CreateServices([($"{HttpJobOptions.SectionName}:AllowedHosts", allowedHosts)]);
        await using var scope = services.CreateAsyncScope();
        var handler = services.GetRequiredService<JobHandlerRegistry>().Resolve(scope.ServiceProvider, HttpJobHandler.Type);
        return await handler.ExecuteAsync(TestJobs.Context(HttpJobHandler.Type, payload, correlationId: correlationId, cancellationToken: cancellationToken));
    }

    private Task<JobFailedException> RunExpectingFailure(object payload, string allowedHosts = "127.0.0.1:*") =>
        Assert.ThrowsAsync<JobFailedException>(() => Run(payload, allowedHosts));

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A real Kestrel server on a free loopback port, with one endpoint per kind of answer.</summary>
    public sealed class LoopbackServer : IAsyncLifetime
    {
        private WebApplication? app;

        public int Port { get; private set; }

        public string Url(string path) => $"http://127.0.0.1:{Port}{path}";

        public async ValueTask InitializeAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            app = builder.Build();
            app.MapGet("/json", () => Results.Json(new { hello = "world" }));
            app.MapGet("/text", () => "plain words");
            app.MapGet("/large", () => new string('x', 100_000));
            app.MapGet("/missing", () => Results.NotFound("no such thing"));
            app.MapGet("/boom", () => Results.StatusCode(500));
            app.MapGet("/throttled", () => Results.StatusCode(429));
            app.MapGet("/redirect", () => Results.Redirect("http://example.com/"));
            app.MapGet("/slow", async (CancellationToken aborted) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), aborted);
                return "too late";
            });
            app.Map("/echo", async (HttpRequest request) => Results.Json(new
            {
                method = request.Method,
                tenant = request.Headers["X-Tenant"].ToString(),
                correlationId = request.Headers["X-Correlation-Id"].FirstOrDefault(),
                contentType = request.ContentType,
                body = await new StreamReader(request.Body).ReadToEndAsync(request.HttpContext.RequestAborted),
            }));
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            Port = new Uri(address).Port;
        }

        public async ValueTask DisposeAsync()
        {
            if (app is not null)
                await app.DisposeAsync();
        }
    }
}
