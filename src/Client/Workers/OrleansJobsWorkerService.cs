using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace OrleansJobs.Client;

/// <summary>
/// A .NET worker as a hosted service (<c>services.AddOrleansJobsWorker(...)</c>): runs
/// <see cref="IOrleansJobsClient.RunWorkerAsync"/> from the host's start to its stop, which is graceful.
/// </summary>
/// <param name="client">The client the worker leases through.</param>
/// <param name="options">The worker's handlers and settings.</param>
public sealed class OrleansJobsWorkerService(IOrleansJobsClient client, IOptions<OrleansJobsWorkerOptions> options) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => client.RunWorkerAsync(options.Value, stoppingToken);
}
