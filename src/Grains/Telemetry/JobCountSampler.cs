using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansJobs.Storage;

namespace OrleansJobs.Telemetry;

/// <summary>
/// Feeds the <c>orleansjobs_jobs{queue,status}</c> gauge: how many jobs are Scheduled, Queued and Running. Those live in
/// the job table, not in any one silo (a job scheduled for next week has no activation), so one silo counts them, the
/// active silo with the lowest address, and the others report nothing: summed over the cluster, each job counts once.
/// The table is counted every <see cref="TelemetryOptions.JobCountInterval"/>, and not at all when the gauge is not
/// exported; a scrape reads the latest count.
/// </summary>
public sealed class JobCountSampler(
    IJobStore store,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    IOptions<TelemetryOptions> options,
    QueueLabels labels,
    TimeProvider time,
    ILogger<JobCountSampler> logger) : BackgroundService
{
    private static readonly JobStatus[] Counted = [JobStatus.Scheduled, JobStatus.Queued, JobStatus.Running];

    /// <summary>Null while this silo is not the one reporting.</summary>
    private volatile IReadOnlyDictionary<(string Queue, JobStatus Status), long>? _counts;

    /// <summary>Every queue counted so far: a queue that empties reports zeros rather than vanishing.</summary>
    private readonly HashSet<string> _queues = [JobSpec.DefaultQueue];

    public IEnumerable<Measurement<long>> Observe()
    {
        if (_counts is not { } counts) yield break;
        foreach (var ((queue, status), count) in counts)
            yield return new Measurement<long>(count, new("queue", queue), new("status", JobTelemetry.Label(status)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ExportsJobMetrics) return;
        using var timer = new PeriodicTimer(options.Value.JobCountInterval, time);
        do
        {
            try
            {
                _counts = IsReporter() ? Tally(await store.CountActiveAsync(stoppingToken)) : null;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The last count stays: a gauge that vanishes during a database outage helps nobody.
                logger.LogDebug(ex, "Could not count the jobs for the orleansjobs_jobs gauge");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private bool IsReporter()
    {
        var active = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        return active.Count > 0 && active.Min() == silo.SiloAddress;
    }

    private Dictionary<(string, JobStatus), long> Tally(IReadOnlyList<JobCount> rows)
    {
        foreach (var row in rows) _queues.Add(labels.Of(row.Queue));
        var tally = _queues.SelectMany(queue => Counted.Select(status => (queue, status))).ToDictionary(key => key, _ => 0L);
        foreach (var row in rows) tally[(labels.Of(row.Queue), row.Status)] += row.Count;
        return tally;
    }
}
