using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Silo;

/// <summary>The service's own settings apply whatever folder it is started from (a unit file, <c>dotnet /opt/app/…dll</c>).</summary>
[Trait("Kind", "Process")]
public sealed class ShippedSettingsTests
{
    [Fact]
    public async Task A_silo_started_from_another_folder_still_reads_the_settings_beside_its_binary()
    {
        // Its content root is an empty temporary folder; the shipped appsettings.json turns Orleans' logging down to
        // Warning, where ASP.NET Core's default (Information) would print dozens of Orleans lines while it starts.
        await using var silo = SiloProcess.Start(new SiloProcessOptions { ContentRootBesideSilo = false });
        await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));

        var output = silo.RecentOutput(1000);
        Assert.Contains("Application started", output, StringComparison.Ordinal); // the log is captured at all
        Assert.DoesNotContain("info: Orleans.", output, StringComparison.Ordinal);
    }
}
