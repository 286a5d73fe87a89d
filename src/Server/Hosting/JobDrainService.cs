using Microsoft.Extensions.Options;
using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Graceful shutdown. On SIGTERM, before Kestrel or Orleans stop: refuse new submissions (the API answers 503),
/// give running jobs the grace period to finish, then interrupt the rest, whose grains put them back in the
/// queue (persisted) so they resume after the restart.
/// </summary>
public sealed class JobDrainService(JobRunner runner, IOptions<JobServiceOptions> options, TimeProvider time, ILogger<JobDrainService> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        runner.BeginDrain();
        var settings = options.Value;
        logger.LogInformation("Shutting down: waiting up to {Grace} for {Count} running jobs", settings.ShutdownGracePeriod, runner.RunningCount);
        if (await runner.WaitForIdleAsync(settings.ShutdownGracePeriod, time)) return;
        logger.LogWarning("Interrupting {Count} jobs still running; they resume after restart", runner.RunningCount);
        runner.InterruptAll();
        if (!await runner.WaitForIdleAsync(settings.CancellationGracePeriod + TimeSpan.FromSeconds(10), time))
            logger.LogWarning("{Count} jobs did not record their interruption; crash recovery will pick them up", runner.RunningCount);
    }

    /// <summary>Long enough for the drain above plus Orleans' own shutdown.</summary>
    public static TimeSpan ShutdownTimeout(JobServiceOptions options) =>
        options.ShutdownGracePeriod + options.CancellationGracePeriod + TimeSpan.FromSeconds(30);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
