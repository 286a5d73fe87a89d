using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansJobs.Client;
using JobStatus = OrleansJobs.Client.JobStatus;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Client;

/// <summary><c>AddOrleansJobsClient</c>: the typed client, its options and their validation, and the resilience handler.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class ClientRegistrationTests(SiloHostFixture host)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_registered_client_resolves_and_runs_a_job_on_the_silo()
    {
        var services = new ServiceCollection();
        services.AddOrleansJobsClient(options => options.BaseAddress = host.BaseAddress);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IOrleansJobsClient>();
        var job = await client.SubmitAndWaitAsync("noop", TimeSpan.FromSeconds(20), cancellationToken: Token);

        Assert.IsType<OrleansJobsClient>(client);
        Assert.Equal(JobStatus.Succeeded, job.Status);
    }

    [Fact]
    public async Task Options_bind_from_a_configuration_section_and_the_api_key_is_sent_and_checked()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrleansJobs:Client:BaseAddress"] = host.BaseAddress.ToString(),
            ["OrleansJobs:Client:ApiKey"] = "s3cret",
            ["OrleansJobs:Client:LongPollWait"] = "00:00:05",
        }).Build();
        var requests = new RecordingHandler(new SocketsHttpHandler());
        var services = new ServiceCollection();
        services.AddOrleansJobsClient(configuration.GetSection(OrleansJobsClientOptions.Section))
            .ConfigurePrimaryHttpMessageHandler(() => requests);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<OrleansJobsClientOptions>>().Value;
        // The test silo knows no key: one that is presented is checked, not ignored, so an unknown key is refused.
        var refused = await Assert.ThrowsAsync<OrleansJobsException>(() =>
            provider.GetRequiredService<IOrleansJobsClient>().SubmitAsync("noop", cancellationToken: Token));

        Assert.Equal(host.BaseAddress, options.BaseAddress);
        Assert.Equal(TimeSpan.FromSeconds(5), options.LongPollWait);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("s3cret", Assert.Single(requests.Sent).ApiKey);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("jobs/")]
    [InlineData("ftp://jobs.test/")]
    public async Task A_missing_or_unusable_base_address_fails_when_the_host_starts(string? address)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddOrleansJobsClient(options => options.BaseAddress = address is null ? null : new Uri(address, UriKind.RelativeOrAbsolute));
        using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(Token));

        Assert.Contains("BaseAddress", error.Message);
    }

    [Fact]
    public async Task A_submit_retried_by_the_resilience_handler_sends_the_same_idempotency_key()
    {
        var requests = RecordingHandler.Answering((_, n) =>
        {
            if (n == 0)
                return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { { "Retry-After", "0" } } };
            return new HttpResponseMessage(HttpStatusCode.Accepted)
            {
                Content = new StringContent(
                    """{"id":"job_0123456789abcdef0123456789abcdef","type":"noop","queue":"default","status":"Queued","attempts":[],"createdAt":"2030-01-01T00:00:00Z"}""",
                    Encoding.UTF8, "application/json"),
            };
        });
        var services = new ServiceCollection();
        services.AddOrleansJobsClient(options => options.BaseAddress = new Uri("http://jobs.test/"))
            .ConfigurePrimaryHttpMessageHandler(() => requests);
        await using var provider = services.BuildServiceProvider();

        var job = await provider.GetRequiredService<IOrleansJobsClient>().SubmitAsync("noop", cancellationToken: Token);

        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal(2, requests.Sent.Count);
        Assert.All(requests.Sent, request => Assert.Equal(HttpMethod.Post, request.Method));
        Assert.NotNull(requests.Sent[0].IdempotencyKey);
        Assert.Equal(requests.Sent[0].IdempotencyKey, requests.Sent[1].IdempotencyKey);
    }
}
