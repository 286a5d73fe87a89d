using Microsoft.Extensions.Options;
using OrleansJobs.Storage;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Retention;

/// <summary>
/// Deletes finished jobs past their age, for the whole cluster from one activation: being a grain, it runs on exactly
/// one silo at a time without a lock of its own, and <see cref="JobSweeperKeeper"/> on every silo brings it back
/// within one interval after that silo is lost. Deleting twice is harmless (the second finds nothing), so a brief
/// overlap while the directory recovers costs nothing either. Each pass deletes in small batches with a pause between
/// them and stops after <see cref="RetentionOptions.MaxBatchesPerPass"/>: the job path never waits long for the table.
/// The grains of deleted jobs are told to forget them (<see cref="DeletedJobs"/>), so that a deleted job is unknown at once.
/// </summary>
[GrainType("job-retention")]
public sealed class JobRetentionGrain(
    IJobStore jobs,
    JobMetrics metrics,
    TimeProvider time,
    IOptions<RetentionOptions> options,
    ILogger<JobRetentionGrain> logger) : Grain, IJobRetentionGrain
{
    private static readonly JobStatus[] Finished = [JobStatus.Succeeded, JobStatus.Failed, JobStatus.Cancelled];

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var interval = options.Value.Interval;
        this.RegisterGrainTimer(_ => PassAsync(), new GrainTimerCreationOptions(interval, interval) { KeepAlive = true });
        return Task.CompletedTask;
    }

    Task IJobRetentionGrain.Ping() => Task.CompletedTask;

    private async Task PassAsync()
    {
        var settings = options.Value;
        var batches = 0;
        try
        {
            foreach (var status in Finished)
            {
                if (settings.AgeOf(status) is not { } age) continue;
                while (batches < settings.MaxBatchesPerPass)
                {
                    if (batches++ > 0) await Task.Delay(settings.BatchPause, time);
                    var deleted = await jobs.DeleteFinishedAsync(status, time.GetUtcNow() - age, settings.BatchSize);
                    if (deleted.Count > 0)
                    {
                        metrics.Deleted(status, deleted.Count);
                        await DeletedJobs.ForgetAsync(GrainFactory, deleted, logger);
                        logger.LogInformation("Retention deleted {Count} {Status} jobs older than {Age}", deleted.Count, status, age);
                    }
                    if (deleted.Count < settings.BatchSize) break;
                }
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Retention pass failed; the next one tries again");
        }
    }
}
