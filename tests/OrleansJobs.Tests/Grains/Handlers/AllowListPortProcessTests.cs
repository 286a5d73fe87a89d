using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;
using static OrleansJobs.Tests.Infrastructure.JobApi;

namespace OrleansJobs.Tests.Grains.Handlers;

/// <summary>The allow-list's port rule in a silo process: a loopback target on a random port, named with and without its port.</summary>
[Trait("Kind", "Process")]
public sealed class AllowListPortProcessTests
{
    [Fact]
    public async Task An_http_job_to_a_random_port_is_refused_by_an_entry_without_a_port_and_runs_when_the_entry_names_it()
    {
        await using var target = new HttpTarget();
        await target.InitializeAsync();
        var (url, name) = target.Answering(200);
        var job = JsonSerializer.Serialize(new { type = "http", payload = new { url }, maxAttempts = 1 });

        JsonElement refused;
        await using (var bare = await SiloProcess.StartReadyAsync("--OrleansJobs:Http:AllowedHosts=127.0.0.1"))
            refused = await bare.Http.WaitUntilFinishedAsync(await bare.Http.SubmitAsync(job));
        Assert.Equal("Failed", Status(refused));
        Assert.Contains("AllowedHosts", refused.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(0, target.Calls(name));

        await using var named = await SiloProcess.StartReadyAsync($"--OrleansJobs:Http:AllowedHosts=127.0.0.1:{target.BaseAddress.Port}");
        var ran = await named.Http.WaitUntilFinishedAsync(await named.Http.SubmitAsync(job));
        Assert.Equal("Succeeded", Status(ran));
        Assert.Equal(1, target.Calls(name));
    }
}
