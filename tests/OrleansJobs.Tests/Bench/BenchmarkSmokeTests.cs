using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Bench;

/// <summary>
/// Runs the Hangfire comparison benchmark (bench/Compare) in its smoke mode against the test PostgreSQL server, so the
/// benchmark keeps working as the code changes. It asserts that the run finished and printed a figure for every
/// workload, never how fast anything was.
/// </summary>
[Trait("Kind", "Process")]
public sealed class BenchmarkSmokeTests
{
    private static readonly string[] Workloads = ["W1", "W2", "W3", "W4", "W5", "W6"];
    private static readonly string[] HangfireWorkloads = ["W1", "W2", "W3", "W4"];

    [Fact]
    public async Task Smoke_run_prints_figures_for_every_workload_and_both_systems()
    {
        var server = PostgresFixture.ServerConnectionString;
        var benchmark = BenchmarkAssembly();

        var (exitCode, output, error) = await Tools.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Tools.RepositoryRoot, [benchmark, "--smoke", "--postgres", server],
            "the .NET SDK's dotnet host is needed to run the benchmark", TimeSpan.FromMinutes(6));

        TestContext.Current.TestOutputHelper?.WriteLine(output + "\n" + error);
        Assert.True(exitCode == 0, $"The benchmark exited with {exitCode}:\n{error}");
        var rows = output.Split('\n').Where(line => line.StartsWith("| W", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray()).ToList();
        // Cells: "", id, figure, OrleansJobs, Hangfire default, Hangfire tuned, ratio, target, met, "".
        foreach (var workload in Workloads)
            Assert.Contains(rows, cells => cells[1] == workload && cells[3].Any(char.IsDigit));
        foreach (var workload in HangfireWorkloads)
        foreach (var column in new[] { 4, 5 })
            Assert.Contains(rows, cells => cells[1] == workload && cells[column].Any(char.IsDigit));
        // W5's view from inside the silo comes from its /metrics: the scrape and the histograms it reads are there.
        foreach (var figure in new[]
                 {
                     "in the silo: request p99", "in the silo: store write p99", "in the silo: store commit p99", "in the silo: slowest store commit",
                     "in the silo: CPU per job", "lead-in, not in the figures above",
                 })
            Assert.Contains(rows, cells => cells[1] == "W5" && cells[2].StartsWith(figure, StringComparison.Ordinal) && cells[3].Any(char.IsDigit));
    }

    [Fact]
    public async Task Help_lists_the_options_and_an_argument_it_does_not_know_is_refused_before_anything_starts()
    {
        var benchmark = BenchmarkAssembly();
        async Task<(int ExitCode, string Output, string Error)> Run(params string[] arguments) => await Tools.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Tools.RepositoryRoot, [benchmark, .. arguments],
            "the .NET SDK's dotnet host is needed to run the benchmark", TimeSpan.FromMinutes(1));

        var help = await Run("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var option in new[] { "--postgres", "--only", "--orleansjobs-only", "--smoke", "--burst-rounds", "--telemetry-rounds", "--silo-env" })
            Assert.Contains(option, help.Output);

        // None of these reaches the database: the connection string is not even a valid one.
        foreach (var (arguments, message) in new (string[], string)[]
                 {
                     (["--postgres", "none", "--smok"], "Unknown argument '--smok'"),
                     (["--postgres", "none", "--only", "W1,W7"], "--only takes workload ids"),
                     (["--postgres", "none", "--burst-rounds", "many"], "--burst-rounds takes a whole number"),
                     (["--postgres", "none", "--telemetry-rounds", "-1"], "--telemetry-rounds takes a whole number"),
                     (["--postgres", "none", "--silo-env"], "--silo-env needs a value"),
                 })
        {
            var refused = await Run(arguments);
            Assert.True(refused.ExitCode == 2, $"{string.Join(' ', arguments)}: exit {refused.ExitCode}\n{refused.Output}\n{refused.Error}");
            Assert.Contains(message, refused.Error);
            Assert.DoesNotContain("| W", refused.Output);
        }
    }

    /// <summary>The benchmark as built beside this test assembly's configuration (the test project references it, so it is built first).</summary>
    private static string BenchmarkAssembly() => Tools.BuiltAssembly(Path.Combine("bench", "Compare"), "OrleansJobs.Bench.Compare.dll");
}
