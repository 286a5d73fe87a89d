using System.ComponentModel.DataAnnotations;

namespace OrleansJobs;

/// <summary>The service's settings, bound from the "OrleansJobs" configuration section.</summary>
public sealed class JobServiceOptions
{
    public const string Section = "OrleansJobs";

    /// <summary>Folder of the embedded SQLite database.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Clustered mode: the address (IP or host name) other silos and clients use to reach this one. Unset = this
    /// machine's first IPv4 address; set it to 127.0.0.1 to run several silos on one host, or to the service name in
    /// a compose file.
    /// </summary>
    public string? AdvertisedHost { get; set; }

    /// <summary>Clustered mode: create or upgrade the PostgreSQL schema at start. Turn off when operators run <c>migrate</c> before deploying.</summary>
    public bool ApplySchemaOnStart { get; set; } = true;

    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;
    [Required] public string ClusterId { get; set; } = "orleansjobs";
    [Required] public string ServiceId { get; set; } = "orleansjobs";

    [Range(1, 64 * 1024 * 1024)] public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>On shutdown, how long running jobs may take to finish before they are interrupted (and resumed after restart).</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a cancelled or timed-out handler may take to stop before it is abandoned.</summary>
    public TimeSpan CancellationGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the sweeper looks for due jobs and orphans of dead silos.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often each silo polls the job-event queues while they have events. Lower = live progress arrives sooner. A
    /// queue that has had nothing for 100 polls is polled at every tenth only, until it has events again
    /// (<see cref="Streams.QuietQueueAdapterFactory"/>), so an idle silo pays little for a short interval. Both are
    /// counts of polls: at the default 10 ms a queue is quiet after a second and then polled every 100 ms; a longer
    /// interval stretches both.
    /// </summary>
    public TimeSpan EventPollInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How late a recurring schedule's occurrence may fire and still count as on time; later, or with more than one
    /// occurrence due at once, the schedule's misfire policy decides.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan ScheduleMisfireTolerance { get; set; } = Schedules.SchedulePlanner.DefaultMisfireTolerance;

    /// <summary>
    /// Serve the Orleans dashboard at <c>/dashboard</c>. It holds its web assets in memory (raw and compressed) and
    /// samples Orleans' metrics every second: about 60 MiB and some CPU per silo. In a cluster, one silo with it is
    /// enough (it shows the whole cluster); turn it off on the others.
    /// </summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// Entries of Orleans' grain-location cache per silo. Orleans' default (a million) preallocates about 18 MiB per silo
    /// before the first grain, and the cache keeps the entries of grains long gone: after 100,000 jobs a cache of
    /// 100,000 held about 35 MiB for them. A job's grain is called a few times within seconds, so a small cache loses
    /// nothing.
    /// </summary>
    [Range(1_000, 10_000_000)] public int GrainLocationCacheSize { get; set; } = 10_000;

    /// <summary>
    /// Place a job submitted on its own (<c>POST /api/jobs</c>, or an app's in-process client) on the silo that took the
    /// submit, when that silo serves the job's type (else on one that does). Off, the default, a new job goes to any
    /// silo that serves its type, at random (a batch's members always do), so the handlers' work is spread over the
    /// cluster whichever silo the submits reach. On, a job submitted here runs here: in a cluster, its submit is not a
    /// call to another silo and its storage skips the read of a row that cannot exist yet, but the work follows the
    /// submits, so turn it on only behind a load balancer that spreads them evenly (docs/scaling.md). It changes
    /// nothing for a single silo.
    /// </summary>
    public bool PlaceNewJobsLocally { get; set; }

    /// <summary>
    /// How long the silo must be idle (allocating next to nothing) before it returns the memory its last busy period
    /// left in the GC heap to the operating system; also the delay of one such trim after start. Zero turns it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")] public TimeSpan IdleTrimAfter { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The attempt timeout of a job that sets none: a handler that never returns would otherwise hold its slot for good.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", TimerLimit)] public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The longest <c>timeout</c> a job may ask for; a longer one is refused with 400.</summary>
    [Range(typeof(TimeSpan), "00:00:01", TimerLimit)] public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The longest retry delay (<c>retry.initialDelay</c>, <c>retry.maxDelay</c>) a job may ask for; a longer one is refused with 400.</summary>
    [Range(typeof(TimeSpan), "00:00:01", TimerLimit)] public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Jobs that may wait for one job (<c>dependsOn</c>); one more is refused with 400. The job keeps their ids, and tells each when it ends.</summary>
    [Range(1, 1_000_000)] public int MaxDependents { get; set; } = 1000;

    /// <summary>How many schedules there may be; creating one more is refused with 400.</summary>
    [Range(1, 1_000_000)] public int MaxSchedules { get; set; } = 10_000;

    /// <summary>The shortest time between a schedule's occurrences; a cron expression that fires more often is refused with 400.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan MinScheduleInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest a timer waits: .NET timers take at most 2^32 - 2 ms (about 49.7 days), so a timeout or delay
    /// setting stays below it.
    /// </summary>
    public const string TimerLimit = "49.00:00:00";

    /// <summary>A scheduled job due sooner than this keeps its grain active with a precise timer; later ones sleep until the sweeper wakes them.</summary>
    public TimeSpan ArmAhead { get; set; } = TimeSpan.FromMinutes(1);
}
