using System.Text.Json;
using System.Text.Json.Serialization;
using OrleansJobs.Client;
using static OrleansJobs.Tests.Infrastructure.LiveJobs;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Live;

/// <summary>
/// The hub works unchanged with the stock JavaScript client, <c>@microsoft/signalr</c> from npm: <c>tests/js/watch-job.mjs</c>
/// run by Node submits a <c>delay</c> job, subscribes, and prints each event as a JSON line.
/// </summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Browser")]
public sealed class JavaScriptClientTests(SiloHostFixture host)
{
    private const string NeedsNode = "this test needs Node.js 20 or later and npm on the PATH (Debian packages nodejs and npm).";

    private static readonly string Project = Path.Combine(Tools.RepositoryRoot, "tests", "js");
    private static readonly SemaphoreSlim Installing = new(1, 1);

    private static readonly JsonSerializerOptions EventJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Installs the project's locked packages once (<c>npm ci</c>), unless a run before did.</summary>
    private static async Task InstallAsync()
    {
        await Installing.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (Directory.Exists(Path.Combine(Project, "node_modules", "@microsoft", "signalr"))) return;
            var (exitCode, output, error) = await Tools.RunAsync(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", Project,
                ["ci", "--no-audit", "--no-fund"], NeedsNode, TimeSpan.FromMinutes(5));
            Assert.True(exitCode == 0, $"npm ci failed ({exitCode}):\n{output}\n{error}");
        }
        finally
        {
            Installing.Release();
        }
    }

    [Fact]
    public async Task The_npm_signalr_client_receives_the_current_state_every_progress_report_and_the_final_status_in_order()
    {
        await InstallAsync();

        var (exitCode, output, error) = await Tools.RunAsync("node", Project, ["watch-job.mjs", host.BaseAddress.ToString(), "00:00:02", "10"],
            NeedsNode, TimeSpan.FromSeconds(90));

        Assert.True(exitCode == 0, $"node watch-job.mjs failed ({exitCode}):\n{output}\n{error}");
        var events = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonSerializer.Deserialize<JobEvent>(line, EventJson)!)
            .ToList();
        AssertWholeRun(events, steps: 10);
        Assert.Single(events.Select(e => e.JobId).Distinct());
    }
}
