using System.Globalization;

namespace OrleansJobs.Bench.Compare;

/// <summary>Sizes and time caps of one run: the issue's full figures, or tiny ones for the smoke run.</summary>
public sealed record BenchSettings
{
    public const string PostgresVariable = "ORLEANSJOBS_TEST_POSTGRES";

    public required string Postgres { get; init; }
    public bool Smoke { get; init; }

    /// <summary>Workload ids to run (<c>--only W1,W6</c>); empty = all of them.</summary>
    public IReadOnlySet<string> Only { get; init; } = new HashSet<string>();

    public bool Runs(string workload) => Only.Count == 0 || Only.Contains(workload);

    /// <summary>
    /// <c>--orleansjobs-only</c>: no Hangfire and no telemetry-off rerun, for quick before/after figures while working on
    /// OrleansJobs' speed (the table then has no ratios).
    /// </summary>
    public bool OrleansJobsOnly { get; init; }

    /// <summary>
    /// <c>--silo-env NAME=VALUE</c> (repeatable): environment variables for every silo the run starts, to compare
    /// settings (<c>OrleansJobs__Dashboard=false</c>, <c>DOTNET_gcServer=0</c>) with the defaults.
    /// </summary>
    public IReadOnlyDictionary<string, string> SiloEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// <c>--try NAME=VALUE</c> (repeatable): settings to compare with the run's own silo environment in the same run, each
    /// on its own (<c>--only Try</c> for these alone). A silo setting's effect on the CPU a job takes is a few per cent,
    /// less than what a noisy host moves between two runs, so the comparison alternates fresh silos within one run.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Trials { get; init; } = [];

    /// <summary>Rounds of <see cref="Trials"/>: each a fresh silo with the run's environment and one per tried setting (<c>--try-rounds N</c>).</summary>
    public int TrialRounds { get; init; } = 3;

    /// <summary>Hangfire's workers; OrleansJobs has no worker pool (every job is a grain, handlers run on the thread pool).</summary>
    public int HangfireWorkers { get; init; } = 20;

    /// <summary>
    /// Jobs run through each freshly started system before it is measured: enough for the .NET runtime to finish
    /// compiling the hot paths at its optimising tier (a freshly started silo spends a quarter of the machine's CPU on
    /// that for its first ~20,000 jobs), so that the workloads measure a running service, not its start.
    /// </summary>
    public int WarmUpJobs { get; init; } = 5_000;

    /// <summary>
    /// Hangfire's warm-up (once per run: it runs in the driver's process and stays warm). Its per-job cost is the
    /// database's, not compilation, and at its ~100 jobs/s 5,000 would take most of a minute.
    /// </summary>
    public int HangfireWarmUpJobs { get; init; } = 1_000;

    /// <summary>Quiet time after the warm-up, for the runtime's background compilation to catch up.</summary>
    public TimeSpan WarmUpSettle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Rounds of fresh silos for telemetry's cost: one with telemetry off, one with each part of it off alone, and one with
    /// it on, forward and backward by turns, so that the cost is taken from silos that alternate rather than from one pair
    /// (<c>--telemetry-rounds N</c>; with <c>--orleansjobs-only</c> only when given, or with <c>--only Telemetry</c>). An
    /// even count balances the order.
    /// </summary>
    public int TelemetryRounds { get; init; } = 2;

    /// <summary>Whether this run measures telemetry's cost.</summary>
    public bool MeasuresTelemetry => TelemetryRounds > 0 && (Only.Contains("Telemetry") || Runs("W1") && (!OrleansJobsOnly || TelemetryRoundsGiven));

    public bool TelemetryRoundsGiven { get; init; }

    /// <summary>
    /// W1 bursts per system in the table's columns, back to back on the same warm system; the table shows the median
    /// burst (<c>--burst-rounds N</c>). This machine's noise moves one burst's rate by a sixth either way (the same build
    /// has ranged from 1,278 to 1,601 jobs/s in a day), for both systems alike: one burst each makes the ratio a draw.
    /// </summary>
    public int BurstRounds { get; init; } = 3;

    public int BurstJobs { get; init; } = 20_000;
    public int BurstProducers { get; init; } = 8;
    public TimeSpan BurstCap { get; init; } = TimeSpan.FromSeconds(120);

    public int SteadyRate { get; init; } = 200;
    public TimeSpan SteadyDuration { get; init; } = TimeSpan.FromSeconds(30);

    public int DelayedJobs { get; init; } = 1_000;
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(5);

    public int RetryJobs { get; init; } = 1_000;

    /// <summary>Cap of the short workloads (W2–W4) after their last submit.</summary>
    public TimeSpan DrainCap { get; init; } = TimeSpan.FromSeconds(45);

    public int HttpRate { get; init; } = 1_000;
    public TimeSpan HttpDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>W5 runs back to back on the same silo, each with its lead-in (<c>--w5-runs N</c>): the target must hold in every one.</summary>
    public int HttpRuns { get; init; } = 5;

    /// <summary>
    /// W5's lead-in: the same rate for this long just before the measured seconds, reported on its own row and not in
    /// the figures (as wrk2 leaves out its calibration period). The driver's connection pool grows from the warm-up's 8
    /// connections to what an open loop at this rate needs, and the silo's code for that load shape is compiled.
    /// </summary>
    public TimeSpan HttpLeadIn { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// W5's lead-in lasts at least until the silo is this old. Code the runtime calls about once a second (Orleans'
    /// timers, Kestrel's heartbeat, the exporter) reaches the JIT's tier-up counts at 30 and 60 calls, so a W5 started
    /// when the silo is half a minute old compiles several hundred methods inside its measured seconds, and one started
    /// later compiles a few dozen: two builds compared at different silo ages then differ for that reason alone.
    /// </summary>
    public TimeSpan HttpMinSiloAge { get; init; } = TimeSpan.FromSeconds(120);

    public int IdleJobs { get; init; } = 100_000;
    public int IdleProducers { get; init; } = 32;
    public TimeSpan IdleCap { get; init; } = TimeSpan.FromSeconds(240);

    /// <summary>How long the silo is left alone before its memory is read (grains deactivated, GC settled).</summary>
    public TimeSpan IdleSettle { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>W1-cold: rounds over the start-up options, each a fresh silo per option.</summary>
    public int ColdRounds { get; init; } = 2;

    /// <summary>W1-cold: only the start-up options whose names contain one of these (<c>--cold-option</c>, repeatable); all when empty.</summary>
    public IReadOnlyList<string> ColdOptions { get; init; } = [];

    /// <summary>W9 (<c>--only Cluster</c>): rounds of one silo's burst, each followed by a two-silo cluster's and by one of two silos that place new jobs locally.</summary>
    public int ClusterRounds { get; init; } = 2;

    /// <summary>W5k: readings without keys, each followed by one with a key, on the same two silos.</summary>
    public int KeyRounds { get; init; } = 2;

    /// <summary>W7: Node worker processes, the leases each holds at most, and in-process/external burst pairs.</summary>
    public int ExternalWorkers { get; init; } = 4;
    public int ExternalLeases { get; init; } = 32;
    public int ExternalRounds { get; init; } = 2;

    /// <summary>W8: jobs generated into the table (<c>--rows N</c>), and timed requests of each kind.</summary>
    public int JobsPageRows { get; init; } = 1_000_000;
    public int JobsPageRequests { get; init; } = 300;

    public TimeSpan PgBenchDuration { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>The database floor: rounds of its readings (every table and batch size in turn), and each reading's warm-up and measured time.</summary>
    public int FloorRounds { get; init; } = 3;

    public TimeSpan FloorWarmUp { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan FloorDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Wait before reading pg_stat_database: PostgreSQL 15 backends report their commits when they go idle, but at most
    /// once a second, and an idle backend with unreported ones reports them about 10 s later.
    /// </summary>
    public TimeSpan StatsSettle { get; init; } = TimeSpan.FromSeconds(11);

    /// <summary>What <c>--help</c> prints.</summary>
    public const string Usage = $"""
        OrleansJobs vs Hangfire on one PostgreSQL server; the table goes to stdout, progress to stderr (docs/benchmarks.md).

          --postgres "<connection string>"  the server, as a user allowed to CREATE DATABASE (default: ${PostgresVariable})
          --only W1,W2,...                  some workloads only (W1 to W8; W1-cold: W1 on freshly started silos, each start-up
                                            option; W5k: W5 with and without API keys; SQLite: W1 and W5 on the
                                            embedded store; Memory: W1 on an in-memory job store (bench only), in
                                            alternation with the PostgreSQL store; Telemetry: telemetry's cost, in all
                                            and by part; Cluster or W9: W1's burst on one silo and on a cluster of two
                                            silos on one database, placing new jobs at random and locally, in turn;
                                            Floor: the database server's CPU per
                                            job for the store's batches, pgbench alone, on the job table as shipped
                                            and with its primary key only)
          --orleansjobs-only                no Hangfire columns
          --smoke                           every workload with tiny counts, in seconds (its figures mean nothing)
          --burst-rounds N                  W1 bursts per column (default 3)
          --telemetry-rounds N              rounds of W1 silos with telemetry off, each part of it off, and on (default 2;
                                            an even count balances the order, which turns back each round)
          --workers N                       Hangfire's worker count (default 20)
          --w5-runs N                       W5 runs back to back on one silo (default 5)
          --cold-option TEXT                W1-cold: only the start-up options whose names contain TEXT (repeatable; the
                                            build's own is always run: it is the reference; the smoke run keeps four)
          --rows N                          W8's generated jobs (default 1,000,000; the smoke run 2,000)
          --silo-env NAME=value             an environment variable for every silo started (repeatable)
          --try NAME=value                  a silo setting to compare, in alternation, with the run's own (repeatable;
                                            W1 bursts on fresh silos: rate, CPU a job, peak memory; --only Try alone)
          --try-rounds N                    rounds of --try's silos: the run's own and each tried one (default 3)
          --help                            this text
        """;

    private static readonly string[] Flags = ["--smoke", "--orleansjobs-only", "--help", "-h"];
    private static readonly string[] Options = ["--postgres", "--only", "--burst-rounds", "--telemetry-rounds", "--workers", "--silo-env", "--rows", "--w5-runs", "--cold-option", "--try", "--try-rounds"];
    private static readonly string[] Workloads = ["W1", "W1-cold", "W2", "W3", "W4", "W5", "W5k", "W6", "W7", "W8", "SQLite", "Memory", "Telemetry", "Cluster", "Floor", "Try"];

    /// <summary>True when the arguments ask for the usage text (nothing else is checked then).</summary>
    public static bool WantsHelp(string[] args) => args.Contains("--help") || args.Contains("-h");

    /// <summary>The settings the arguments give; <see cref="ArgumentException"/> with a message fit for the user when they make no sense.</summary>
    public static BenchSettings Parse(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (Options.Contains(args[i]))
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"{args[i]} needs a value (see --help).");
                i++;
            }
            else if (!Flags.Contains(args[i]))
            {
                throw new ArgumentException($"Unknown argument '{args[i]}' (see --help).");
            }
        }

        string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int? Count(string name, int least)
        {
            if (Option(name) is not { } text) return null;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < least)
                throw new ArgumentException($"{name} takes a whole number of at least {least}, not '{text}'.");
            return value;
        }

        var postgres = Option("--postgres") ?? Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(postgres))
            throw new ArgumentException($"Give the PostgreSQL server with --postgres \"Host=…;Username=…;Password=…\" or {PostgresVariable} (a user allowed to CREATE DATABASE).");

        var settings = args.Contains("--smoke") ? Tiny(postgres) : new BenchSettings { Postgres = postgres };
        if (Count("--workers", 1) is { } workers) settings = settings with { HangfireWorkers = workers };
        List<string> Repeated(string name) => args.Select((arg, i) => (arg, i)).Where(a => a.arg == name && a.i + 1 < args.Length).Select(a => args[a.i + 1]).ToList();
        List<KeyValuePair<string, string>> Variables(string name)
        {
            var pairs = Repeated(name).Select(pair => pair.Split('=', 2)).Select(kv => KeyValuePair.Create(kv[0], kv.Length > 1 ? kv[1] : "")).ToList();
            if (pairs.Any(pair => string.IsNullOrWhiteSpace(pair.Key))) throw new ArgumentException($"{name} takes NAME=value.");
            return pairs;
        }
        var siloEnvironment = Variables("--silo-env").ToDictionary();
        if (siloEnvironment.Count > 0) settings = settings with { SiloEnvironment = siloEnvironment };
        var trials = Variables("--try");
        if (trials.Distinct().Count() < trials.Count) throw new ArgumentException("--try takes each setting once.");
        if (trials.Count > 0) settings = settings with { Trials = trials };
        if (Count("--try-rounds", 1) is { } trialRounds) settings = settings with { TrialRounds = trialRounds };
        if (args.Contains("--orleansjobs-only")) settings = settings with { OrleansJobsOnly = true };
        if (Count("--telemetry-rounds", 0) is { } rounds) settings = settings with { TelemetryRounds = rounds, TelemetryRoundsGiven = true };
        if (Count("--burst-rounds", 1) is { } bursts) settings = settings with { BurstRounds = bursts };
        if (Count("--rows", 1) is { } rows) settings = settings with { JobsPageRows = rows };
        if (Count("--w5-runs", 1) is { } httpRuns) settings = settings with { HttpRuns = httpRuns };
        var coldOptions = Repeated("--cold-option");
        if (coldOptions.Count > 0) settings = settings with { ColdOptions = coldOptions };
        if (Option("--only") is { } only)
        {
            // W9's rows are asked for by what they compare, or by their id.
            var asked = only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(w => w.Equals("W9", StringComparison.OrdinalIgnoreCase) ? "Cluster" : w);
            var chosen = asked.Select(w => Workloads.FirstOrDefault(id => id.Equals(w, StringComparison.OrdinalIgnoreCase))).ToList();
            if (chosen.Count == 0 || chosen.Contains(null))
                throw new ArgumentException($"--only takes workload ids ({string.Join(", ", Workloads)}), comma-separated, not '{only}'.");
            settings = settings with { Only = chosen.OfType<string>().ToHashSet() };
            if (settings.Only.Contains("Try") && settings.Trials.Count == 0) throw new ArgumentException("--only Try needs the settings to try: --try NAME=value.");
        }

        return settings;
    }

    /// <summary>Seconds per workload and tiny counts: the same code paths, to keep the benchmark from rotting.</summary>
    private static BenchSettings Tiny(string postgres) => new()
    {
        Postgres = postgres,
        Smoke = true,
        WarmUpJobs = 20,
        HangfireWarmUpJobs = 20,
        WarmUpSettle = TimeSpan.Zero,
        TelemetryRounds = 1,
        BurstRounds = 1,
        BurstJobs = 200,
        BurstCap = TimeSpan.FromSeconds(15),
        SteadyRate = 50,
        SteadyDuration = TimeSpan.FromSeconds(2),
        DelayedJobs = 20,
        Delay = TimeSpan.FromSeconds(2),
        RetryJobs = 20,
        DrainCap = TimeSpan.FromSeconds(5),
        HttpRate = 100,
        HttpDuration = TimeSpan.FromSeconds(2),
        HttpRuns = 2,
        HttpLeadIn = TimeSpan.FromSeconds(0.5),
        HttpMinSiloAge = TimeSpan.Zero,
        IdleJobs = 300,
        IdleCap = TimeSpan.FromSeconds(15),
        IdleSettle = TimeSpan.FromSeconds(2),
        ColdRounds = 1,
        // Four of W1-cold's ten start-up options, one of each kind (the build, the published ReadyToRun image, and the
        // start-up warm-up on each): every silo a smoke run starts costs a busy test machine seconds.
        ColdOptions = ["ReadyToRun (published)", "start-up warm-up (100 jobs"],
        ClusterRounds = 1,
        KeyRounds = 1,
        ExternalWorkers = 2,
        ExternalLeases = 4,
        ExternalRounds = 1,
        JobsPageRows = 2_000,
        JobsPageRequests = 20,
        PgBenchDuration = TimeSpan.FromSeconds(2),
        FloorRounds = 1,
        FloorWarmUp = TimeSpan.FromSeconds(1),
        FloorDuration = TimeSpan.FromSeconds(2),
        StatsSettle = TimeSpan.FromSeconds(1),
    };
}
