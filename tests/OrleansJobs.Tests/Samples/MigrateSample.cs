using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Samples;

/// <summary>Starts <c>samples/MigrateSyncEndpoint</c> as a real process from its own build output.</summary>
public static class MigrateSample
{
    /// <summary>The sample's assembly, built in the same configuration and framework as the tests.</summary>
    public static string Assembly() => Tools.BuiltAssembly(Path.Combine("samples", "MigrateSyncEndpoint"), "MigrateSyncEndpoint.dll");

    /// <summary>The sample on a free loopback port, its job service under <c>/jobs</c>, ready; <c>Http</c> points at /jobs/.</summary>
    public static async Task<SiloProcess> StartAsync()
    {
        // Its own content root (the folder of its binary, with wwwroot) rather than the tests'.
        var app = SiloProcess.Start(new SiloProcessOptions { Assembly = Assembly(), PathPrefix = "jobs/", ContentRootBesideSilo = false });
        await app.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        return app;
    }

    /// <summary>A client for the sample's own endpoints, at its root.</summary>
    public static HttpClient RootClient(SiloProcess app) =>
        new() { BaseAddress = new Uri($"http://127.0.0.1:{app.HttpPort}/"), Timeout = TimeSpan.FromMinutes(2) };
}
