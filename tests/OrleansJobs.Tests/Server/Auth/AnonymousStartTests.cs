using System.Net;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>Safe by default, on the silo as a real process: no key and an address beyond loopback refuses to start.</summary>
[Trait("Kind", "Process")]
public sealed class AnonymousStartTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_keys_on_every_address_the_silo_refuses_to_start_and_says_how_to_add_one()
    {
        await using var silo = SiloProcess.Start(new SiloProcessOptions { Args = [$"--urls=http://0.0.0.0:{FreeTcpPort.Next()}"] });

        Assert.NotEqual(0, await silo.ExitedAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains("keys add", silo.RecentOutput());
        Assert.Contains("OrleansJobs:Auth:AllowAnonymous=true", silo.RecentOutput());
    }

    [Fact]
    public async Task AllowAnonymous_says_so_explicitly_and_the_silo_serves_anyone()
    {
        var port = FreeTcpPort.Next();
        await using var silo = SiloProcess.Start(new SiloProcessOptions { Args = [$"--urls=http://0.0.0.0:{port}", "--OrleansJobs:Auth:AllowAnonymous=true"] });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        await Eventually.Until(async () =>
        {
            if (silo.HasExited) throw new InvalidOperationException($"The silo exited: {silo.RecentOutput(30)}");
            try
            {
                using var response = await http.GetAsync("api/jobs", Token);
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(200), "the anonymous silo did not serve /api/jobs");
    }
}
