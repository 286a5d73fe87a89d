using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using OrleansJobs.Silo;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Hosting;

/// <summary>A host of its own, started with the memory-saving settings a worker silo uses: no dashboard, a small location cache, an early trim.</summary>
[Trait("Kind", "Silo")]
public sealed class SiloSettingsTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("orleansjobs-settings-").FullName;
    private readonly Uri _baseAddress = new($"http://127.0.0.1:{FreeTcpPort.Next()}");
    private WebApplication? _app;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await SiloApp.BuildAsync([.. SiloHostFixture.Arguments(_baseAddress, _data), "--OrleansJobs:Dashboard=false", "--OrleansJobs:GrainLocationCacheSize=5000", "--OrleansJobs:IdleTrimAfter=00:00:00.500"]);
        await _app.StartAsync(Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task With_the_dashboard_off_it_is_not_served_and_jobs_still_run()
    {
        using var http = new HttpClient { BaseAddress = _baseAddress };

        using var dashboard = await http.GetAsync("/dashboard/", Token);
        var (submit, job) = await http.PostJsonAsync("/api/jobs?wait=10s", """{"type":"noop"}""");

        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        Assert.Equal("Succeeded", job.GetProperty("status").GetString());
    }

    [Fact]
    public void The_grain_location_cache_takes_its_size_from_the_settings()
    {
        Assert.Equal(5000, _app!.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value.CacheSize);
    }

    [Fact]
    public async Task The_memory_trimmer_collects_once_the_start_is_over()
    {
        var trimmer = _app!.Services.GetRequiredService<OrleansJobs.Server.Hosting.IdleMemoryTrimmer>();

        await Eventually.Until(() => Task.FromResult(trimmer.Trims >= 1), TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100),
            "no trim 20 s after a start with IdleTrimAfter = 0.5 s");
    }

    [Fact]
    public void By_default_the_cache_is_a_hundredth_of_orleans_own_and_the_dashboard_is_on()
    {
        var defaults = new JobServiceOptions();

        Assert.Equal(GrainDirectoryOptions.DEFAULT_CACHE_SIZE / 100, defaults.GrainLocationCacheSize);
        Assert.True(defaults.Dashboard);
    }
}
