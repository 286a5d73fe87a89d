using Microsoft.Extensions.Options;

namespace OrleansJobs.Server.Auth;

/// <summary>
/// Reads the job database's keys into <see cref="ApiKeyStore"/> every <see cref="JobAuthOptions.RefreshSeconds"/>, so
/// that a key added or revoked with the <c>keys</c> command on one silo reaches every silo within that time. While the
/// database does not answer, the keys last read stay in force.
/// </summary>
public sealed class ApiKeyRefresher(ApiKeyTable table, ApiKeyStore store, IOptions<JobAuthOptions> options, ILogger<ApiKeyRefresher> logger)
    : BackgroundService
{
    /// <summary>Reads the table once; false (logged) when it could not.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            store.Replace(await table.ListAsync(cancellationToken));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Could not read the API keys of the job database; the keys last read stay in force.");
            return false;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(options.Value.RefreshSeconds, 1, 300)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await RefreshAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
