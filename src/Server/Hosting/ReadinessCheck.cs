using Microsoft.Extensions.Diagnostics.HealthChecks;
using OrleansJobs.Jobs;
using OrleansJobs.Storage;

namespace OrleansJobs.Server.Hosting;

/// <summary>Ready = the start-up warm-up is over (<see cref="StartupWarmUp"/>), the job storage answers and the silo is not shutting down.</summary>
public sealed class ReadinessCheck(IJobStore jobs, JobRunner runner, StartupWarmUp warmUp) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (runner.Draining) return HealthCheckResult.Unhealthy("The silo is shutting down.");
        if (!warmUp.Finished) return HealthCheckResult.Unhealthy("The silo is warming up.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await jobs.CheckHealthAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Job storage is unreachable.", ex);
        }
    }
}
