using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OrleansJobs.Silo;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// The real silo host (Orleans, API, dashboard) started in-process on loopback ports, on a temporary SQLite folder,
/// with a small payload limit, the loopback address on the <c>http</c> job type's allow-list (which completion callbacks
/// share), a callback signing secret, and a typed job type of its own (<see cref="GreetingJobHandler"/>).
/// </summary>
public sealed class SiloHostFixture : IAsyncLifetime
{
    public const int MaxPayloadBytes = 1024;
    public const string CallbackSecret = "whsec_silo-host-fixture-0123456789abcdef";

    private readonly string _data = Directory.CreateTempSubdirectory("orleansjobs-http-").FullName;
    private WebApplication? _app;

    public SiloHostFixture()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}");
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    /// <summary>The embedded database folder, for tests that look at what was written.</summary>
    public string DataDirectory => _data;

    /// <summary>
    /// Command-line settings read after the fixture's own, so they win: for a test that starts a host of its own with
    /// other limits, such as <c>--OrleansJobs:Backpressure:MaxWaitingJobs=2</c>.
    /// </summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>The host's services, for tests that reach into the silo (such as beginning its drain).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("The host has not started.");

    public async ValueTask InitializeAsync()
    {
        _app = await SiloApp.BuildAsync([.. Arguments(BaseAddress, _data), .. Settings],
            services => services.AddJobHandler<GreetingJobHandler>(GreetingJobHandler.Type));
        await _app.StartAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>This fixture's configuration, for tests that start a host of their own (such as one they restart) on <paramref name="data"/>.</summary>
    public static string[] Arguments(Uri baseAddress, string data) =>
        [
            $"--urls={baseAddress}",
            // appsettings.json is copied beside the tests; read it as a normal run does.
            $"--contentRoot={AppContext.BaseDirectory}",
            $"--OrleansJobs:SiloPort={FreeTcpPort.Next()}",
            $"--OrleansJobs:GatewayPort={FreeTcpPort.Next()}",
            $"--OrleansJobs:DataDirectory={data}",
            $"--OrleansJobs:MaxPayloadBytes={MaxPayloadBytes}",
            "--OrleansJobs:CancellationGracePeriod=00:00:01",
            "--OrleansJobs:ShutdownGracePeriod=00:00:01",
            "--OrleansJobs:SweepInterval=00:00:01",
            "--OrleansJobs:Http:AllowedHosts=127.0.0.1:*", // loopback targets listen on random ports
            $"--OrleansJobs:Callbacks:SigningSecret={CallbackSecret}",
        ];

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
