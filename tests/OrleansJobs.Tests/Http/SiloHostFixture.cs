using Microsoft.AspNetCore.Builder;
using OrleansJobs.Silo;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Http;

/// <summary>The real silo host (Orleans, API, dashboard) started in-process on loopback ports, on a temporary SQLite folder.</summary>
public sealed class SiloHostFixture : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("orleansjobs-http-").FullName;
    private WebApplication? _app;
    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var port = FreeTcpPort.Next();
        _app = await SiloApp.BuildAsync([
            $"--urls=http://127.0.0.1:{port}",
            $"--OrleansJobs:SiloPort={FreeTcpPort.Next()}",
            $"--OrleansJobs:GatewayPort={FreeTcpPort.Next()}",
            $"--OrleansJobs:DataDirectory={_data}",
            "--OrleansJobs:MaxPayloadBytes=1024",
            "--OrleansJobs:CancellationGracePeriod=00:00:01",
            "--OrleansJobs:SweepInterval=00:00:01",
        ]);
        await _app.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }
}
