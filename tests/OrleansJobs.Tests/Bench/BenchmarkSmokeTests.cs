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
    private static readonly string[] Workloads = ["W1", "W1-cold", "W2", "W3", "W4", "W5", "W5k", "W6", "W7", "W8", "W9"];
    private static readonly string[] HangfireWorkloads = ["W1", "W2", "W3", "W4"];

    [Fact]
    public async Task Smoke_run_prints_figures_for_every_workload_and_both_systems()
    {
        var server = PostgresFixture.ServerConnectionString;
        var benchmark = BenchmarkAssembly();

        var (exitCode, output, error) = await Tools.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Tools.RepositoryRoot, [benchmark, "--smoke", "--postgres", server],
            "the .NET SDK's dotnet host is needed to run the benchmark", TimeSpan.FromMinutes(15)); // W1-cold publishes the silo first

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
        // W5k: both kinds of silo measured; W7: the Node workers took the jobs of both of its halves; W8: every kind of request timed.
        foreach (var (workload, figure) in new[]
                 {
                     ("W5k", "HTTP submit response p99 without keys (ms; best"), ("W5k", "HTTP submit response p99 with a key (ms; best"),
                     ("W5k", "key checking cost (% of the p99"), ("W7", "external end-to-end as % of in-process"), ("W7", "submit → worker start p99"),
                     ("W8", "GET /api/jobs p99 (ms), status = Failed, first page"), ("W8", "GET /api/jobs p99 (ms), search by correlation id"),
                     ("W8", "GET /api/jobs p99 (ms), queue = emails (20 % of the jobs), page"),
                     // W1-cold: the published ReadyToRun silo started and took its bursts beside the built one.
                     ("W1-cold", "ReadyToRun (published): cold burst as % of"), ("W1-cold", "JIT (the build): cold burst as % of"),
                     // ... and silos that warmed themselves up before they reported ready.
                     ("W1-cold", "JIT, start-up warm-up (100 jobs, 2 rounds): cold burst as % of"),
                     ("W1-cold", "ReadyToRun, start-up warm-up (100 jobs, 2 rounds): start → ready"),
                     // W5's runs back to back, each with its p99 and the silo's CPU per request.
                     ("W5", "HTTP submit response p99 of each run"), ("W5", "silo CPU per request of each run"),
                     // Telemetry's cost, in all and with each part off alone.
                     ("W1", "telemetry cost (% of end-to-end"), ("W1", "telemetry cost, median of the rounds' own"), ("W1", "telemetry cost of spans alone"), ("W1", "telemetry cost of OrleansJobs' job metrics alone"),
                     ("W1", "telemetry cost of the job store's histograms alone"), ("W1", "telemetry cost of Orleans, ASP.NET Core, Npgsql and runtime meters alone"),
                     // The embedded default beside PostgreSQL.
                     ("W1", "end-to-end, embedded SQLite"), ("W5", "HTTP submit response p99 (ms), embedded SQLite"),
                     // The durability tax: the in-memory job store's silo in alternation with PostgreSQL's.
                     ("W1", "end-to-end, in-memory job store (bench only) (jobs/s"), ("W1", "silo CPU per job, in-memory job store (bench only)"),
                     ("W1", "silo CPU per job, PostgreSQL store alternating with it"), ("W1", "PostgreSQL as % of the in-memory store"),
                     // The database server's own CPU, read from /proc over each burst, and the floor: pgbench alone, the store's
                     // batches on the shipped table and on its primary key only.
                     ("W1", "database server CPU per job (ms; every PostgreSQL process)"),
                     ("W1", "database server CPU per job in the system's own connections (ms; its database's backends)"),
                     ("W1", "database server CPU per job, PostgreSQL store alternating with it"),
                     ("W1", "database floor: server CPU per job, job table as shipped, 3 jobs a commit"),
                     ("W1", "database floor: server CPU per job, primary key only, 8 jobs a commit"),
                     ("W1", "database floor: WAL per job, job table as shipped, 8 jobs a commit"),
                     // W9: one silo, then two silos in one cluster on the same database, took their bursts and were measured.
                     ("W9", "1 silo: end-to-end"), ("W9", "2 silos, one cluster: end-to-end"), ("W9", "2 silos, one cluster: silo CPU per job"),
                     ("W9", "2 silos, one cluster: commits per job"), ("W9", "2 silos, one cluster: WAL per job"),
                     ("W9", "2 silos, one cluster: database connections after the burst"), ("W9", "2 silos vs 1: silo CPU per job"),
                     ("W9", "2 silos, new jobs placed locally: end-to-end"), ("W9", "2 silos, new jobs placed locally: commits per job"),
                     ("W9", "2 silos placing new jobs locally vs 1: silo CPU per job"), ("W9", "2 silos placing new jobs locally vs at random: silo CPU per job"),
                 })
            Assert.Contains(rows, cells => cells[1] == workload && cells[2].StartsWith(figure, StringComparison.Ordinal) && cells[3].Any(char.IsDigit));
        // Telemetry's cost at the same host probe reading: one round of six bursts is too few for the fit's seven parameters.
        Assert.Contains(rows, cells => cells[1] == "W1" && cells[2].StartsWith("telemetry cost at the same host probe reading", StringComparison.Ordinal)
            && cells[3].StartsWith("n/a (too few bursts", StringComparison.Ordinal));
        // Every burst's progress line says how fast the host ran the probe's fixed unit of work meanwhile.
        Assert.Matches(@"OrleansJobs W1 \(oj\): .*; host probe \d+\.\d\d ms", error);
        // Its target judged, met or not (a figure in a smoke run means nothing).
        Assert.Contains(rows, cells => cells[1] == "W1" && cells[2].StartsWith("PostgreSQL as % of the in-memory store", StringComparison.Ordinal)
            && cells[7] == "≥ 80 %" && cells[8] is "yes" or "**no**");
        Assert.Contains(rows, cells => cells[1] == "W7" && cells[2] == "external completed (best burst)" && cells[3].StartsWith("200 of 200", StringComparison.Ordinal));
        Assert.Contains(rows, cells => cells[1] == "W7" && cells[2] == "external jobs started at the steady rate" && cells[3] == "100 of 100");
    }

    [Fact]
    public async Task The_jobs_page_workload_generates_as_many_jobs_as_rows_asks_and_times_every_request_kind()
    {
        var (exitCode, output, error) = await Tools.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Tools.RepositoryRoot,
            [BenchmarkAssembly(), "--smoke", "--only", "w8", "--rows", "3000", "--postgres", PostgresFixture.ServerConnectionString],
            "the .NET SDK's dotnet host is needed to run the benchmark", TimeSpan.FromMinutes(4));

        TestContext.Current.TestOutputHelper?.WriteLine(output + "\n" + error);
        Assert.True(exitCode == 0, $"The benchmark exited with {exitCode}:\n{error}");
        var rows = output.Split('\n').Where(line => line.StartsWith("| W", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray()).ToList();
        Assert.All(rows, cells => Assert.Equal("W8", cells[1]));
        // The generated jobs and the template job that ran for real.
        Assert.Contains(rows, cells => cells[2].StartsWith("jobs in the table", StringComparison.Ordinal) && cells[3] == "3,001");
        foreach (var kind in new[] { "newest first, no filter", "status = Failed", "queue = emails (20 % of the jobs)", "queue = tenant-07 (0.2 % of the jobs)", "search by correlation id" })
            Assert.Contains(rows, cells => cells[2] == $"GET /api/jobs p99 (ms), {kind}, first page" && cells[3].Any(char.IsDigit));
        // 3,000 jobs hold more than one page of Failed ones (about 210): the deep page is reached through the cursor.
        Assert.Contains(rows, cells => cells[2].StartsWith("GET /api/jobs p99 (ms), status = Failed, page ", StringComparison.Ordinal) && cells[3].Any(char.IsDigit));
    }

    [Fact]
    public async Task A_tried_setting_is_measured_beside_the_runs_own_silos_with_rate_cpu_and_peak_memory()
    {
        var (exitCode, output, error) = await Tools.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Tools.RepositoryRoot,
            [BenchmarkAssembly(), "--smoke", "--orleansjobs-only", "--only", "Try", "--try", "DOTNET_gcServer=0", "--try-rounds", "1",
                "--postgres", PostgresFixture.ServerConnectionString],
            "the .NET SDK's dotnet host is needed to run the benchmark", TimeSpan.FromMinutes(4));

        TestContext.Current.TestOutputHelper?.WriteLine(output + "\n" + error);
        Assert.True(exitCode == 0, $"The benchmark exited with {exitCode}:\n{error}");
        var rows = output.Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| id", StringComparison.Ordinal)
                && !line.StartsWith("| ---", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray()).ToList();
        Assert.All(rows, cells => Assert.Equal("Try", cells[1]));
        // Each side's one burst: "rate/s CPU ms peak MiB", and the tried side's change from the run's own.
        var own = Assert.Single(rows, cells => cells[2].StartsWith("the run's own silos", StringComparison.Ordinal));
        Assert.Matches(@"^[\d,]+ / [\d.]+ / [\d,]+; [\d,]+/s [\d.]+ ms [\d,]+ MiB$", own[3]);
        var tried = Assert.Single(rows, cells => cells[2].StartsWith("DOTNET_gcServer=0:", StringComparison.Ordinal));
        Assert.Matches(@"^[\d,]+ \([+-]?[\d.]+ %\) / [\d.]+ \([+-]?[\d.]+ %\) / [\d,]+ \([+-]?[\d.]+ %\); [\d,]+/s [\d.]+ ms [\d,]+ MiB$", tried[3]);
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
        foreach (var option in new[] { "--postgres", "--only", "--orleansjobs-only", "--smoke", "--burst-rounds", "--telemetry-rounds", "--silo-env", "--rows", "--cold-option", "--try", "--try-rounds" })
            Assert.Contains(option, help.Output);

        // None of these reaches the database: the connection string is not even a valid one.
        foreach (var (arguments, message) in new (string[], string)[]
                 {
                     (["--postgres", "none", "--smok"], "Unknown argument '--smok'"),
                     (["--postgres", "none", "--only", "W1,W10"], "--only takes workload ids"),
                     (["--postgres", "none", "--rows", "0"], "--rows takes a whole number"),
                     (["--postgres", "none", "--burst-rounds", "many"], "--burst-rounds takes a whole number"),
                     (["--postgres", "none", "--telemetry-rounds", "-1"], "--telemetry-rounds takes a whole number"),
                     (["--postgres", "none", "--silo-env"], "--silo-env needs a value"),
                     (["--postgres", "none", "--only", "Try"], "--only Try needs the settings to try"),
                     (["--postgres", "none", "--try", "A=1", "--try", "A=1"], "--try takes each setting once"),
                     (["--postgres", "none", "--try", "=1"], "--try takes NAME=value"),
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
