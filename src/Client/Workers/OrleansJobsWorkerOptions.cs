namespace OrleansJobs.Client;

/// <summary>
/// A .NET worker outside the cluster (<see cref="OrleansJobsClient.RunWorkerAsync"/>): its name, the job types it runs
/// and their handlers, how many jobs it holds at once, and its timings. The service must run each type by external
/// workers (<c>OrleansJobs:Workers:Types</c>, or <c>PUT /api/job-types/{type}</c> with <c>{"external": true}</c>).
/// </summary>
public sealed class OrleansJobsWorkerOptions
{
    /// <summary>The configuration section the worker's settings are read from by convention: <c>OrleansJobs:Worker</c>.</summary>
    public const string Section = "OrleansJobs:Worker";

    /// <summary>Most jobs a worker may hold at once: the service leases at most 100 per request.</summary>
    public const int MaxConcurrentJobsLimit = 100;

    private readonly Dictionary<string, WorkerJobHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>The worker's name, recorded on each attempt it runs; 1 to 200 characters. The machine's name and the process id by default.</summary>
    public string Name { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Most jobs run at once, 1 to <see cref="MaxConcurrentJobsLimit"/>; 10 by default. A full worker asks for no more.</summary>
    public int MaxConcurrentJobs { get; set; } = 10;

    /// <summary>How long a lease lasts before it must be extended, 1 second to 1 hour; 30 seconds by default. A worker that dies delays its jobs by at most this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a held job's lease is extended (a heartbeat, which also brings a cancel); shorter than <see cref="LeaseDuration"/>, a third of it by default.</summary>
    public TimeSpan? HeartbeatInterval { get; set; }

    /// <summary>How long one lease request waits for a job when none is ready (long-poll), 1 to 30 seconds; 20 by default.</summary>
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// After the worker is told to stop: how long the jobs it holds may run on before their handlers' tokens are
    /// cancelled (those attempts are then failed as retryable). 30 seconds by default; zero cancels them at once.
    /// </summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The job types this worker runs, with their handlers.</summary>
    public IReadOnlyDictionary<string, WorkerJobHandler> Handlers => _handlers;

    /// <summary>Runs jobs of <paramref name="type"/> with <paramref name="handler"/>; a second handler for a type replaces the first.</summary>
    /// <param name="type">The job type, run by external workers at the service.</param>
    /// <param name="handler">Runs one job and returns its result.</param>
    /// <returns>These options, to register more.</returns>
    public OrleansJobsWorkerOptions Handle(string type, WorkerJobHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers[type] = handler;
        return this;
    }

    /// <summary>The heartbeat interval in effect: <see cref="HeartbeatInterval"/>, or a third of <see cref="LeaseDuration"/>.</summary>
    internal TimeSpan EffectiveHeartbeatInterval => HeartbeatInterval ?? LeaseDuration / 3;
}
