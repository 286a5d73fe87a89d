using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansJobs.Storage;

namespace OrleansJobs.Jobs;

/// <summary>
/// The durable promise behind every job's future: a reminder keeps this grain alive somewhere in the cluster,
/// and each sweep wakes the job grains that need it — scheduled jobs coming due (their grains may have been
/// deactivated, or died with their silo) and Queued or Running jobs whose silo is no longer alive. One reminder
/// for all jobs instead of one per job: registering a reminder is a storage write of its own.
/// Waking is idempotent, so a lost or doubled tick does no harm.
/// </summary>
[GrainType("job-sweeper")]
public sealed class JobSweeperGrain(
    IJobStore jobs,
    IClusterMembershipService membership,
    TimeProvider time,
    IOptions<JobServiceOptions> options,
    ILogger<JobSweeperGrain> logger) : Grain, IJobSweeperGrain, IRemindable
{
    private const int BatchSize = 1000;

    /// <summary>How long a Queued or Running job may go unwritten before a sweep checks on its grain.</summary>
    private static readonly TimeSpan QuietAfter = TimeSpan.FromSeconds(30);
    private DateTimeOffset _nextQuietCheck;
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await this.GetReminder("sweep") is null)
            await this.RegisterOrUpdateReminder("sweep", ReminderPeriod, ReminderPeriod);
        var interval = options.Value.SweepInterval;
        this.RegisterGrainTimer(_ => SweepAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, interval) { KeepAlive = true });
    }

    Task IJobSweeperGrain.Ping() => Task.CompletedTask;

    Task<int> IJobSweeperGrain.SweepNow()
    {
        _nextQuietCheck = DateTimeOffset.MinValue; // a sweep on demand checks everything
        return SweepAsync();
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => SweepAsync();

    private async Task WakeAsync(string jobId)
    {
        try { await GrainFactory.GetGrain<IJobGrain>(jobId).Wake(); }
        catch (Exception ex) { logger.LogWarning(ex, "Could not wake job {JobId}; the next sweep tries again", jobId); }
    }

    private async Task<int> SweepAsync()
    {
        try
        {
            var live = membership.CurrentSnapshot.Members.Values
                .Where(m => m.Status != SiloStatus.Dead)
                .Select(m => m.SiloAddress.ToParsableString())
                .ToList();
            var orphans = await jobs.FindOrphansAsync(live, BatchSize);
            var now = time.GetUtcNow();
            var due = await jobs.FindDueAsync(now + 2 * options.Value.SweepInterval, BatchSize);
            IReadOnlyList<string> quiet = [];
            if (now >= _nextQuietCheck)
            {
                quiet = await jobs.FindQuietAsync(now - QuietAfter, BatchSize);
                _nextQuietCheck = now + QuietAfter;
            }
            var wake = orphans.Concat(due).Concat(quiet).Distinct().ToList();
            if (orphans.Count > 0) logger.LogInformation("Sweep found {Count} orphaned jobs of dead silos", orphans.Count);
            // In chunks, from this grain's own context (grain calls must be made from it).
            foreach (var chunk in wake.Chunk(64))
                await Task.WhenAll(chunk.Select(WakeAsync));
            return wake.Count;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Sweep failed; the next one tries again");
            return 0;
        }
    }
}
