using System.Text.Json;

namespace OrleansJobs.Tests.Deployment;

/// <summary>
/// The runtime settings the built silo ships with (its runtimeconfig.json, which <c>dotnet publish</c> and the
/// container image carry too). Their effect is measured by bench/Compare, not here; this keeps them from being lost.
/// </summary>
[Trait("Kind", "Unit")]
public sealed class SiloRuntimeConfigTests
{
    [Fact]
    public void The_silo_thread_pool_blocks_idle_workers_instead_of_spinning()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "OrleansJobs.Silo.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spinLimit),
            $"{path} does not set the thread pool's spin limit:\n{properties}");
        Assert.Equal(0, spinLimit.GetInt32());
        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
    }
}
