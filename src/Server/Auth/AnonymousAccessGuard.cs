using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace OrleansJobs.Server.Auth;

/// <summary>
/// Once the server listens, decides <see cref="AnonymousAccess"/>: with no key configured, anonymous requests are
/// served only when every bound address is loopback, or when <c>OrleansJobs:Auth:AllowAnonymous=true</c> says so;
/// otherwise the start fails with a message that tells how to add a key.
/// </summary>
public sealed class AnonymousAccessGuard(IServiceProvider services, ApiKeyStore keys, AnonymousAccess anonymous, ApiKeyRefresher refresher,
    IOptions<JobAuthOptions> options, ILogger<AnonymousAccessGuard> logger) : IHostedLifecycleService
{
    /// <inheritdoc />
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        await refresher.RefreshAsync(cancellationToken); // keys of the job database count too
        Decide();
    }

    private void Decide()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
        if (!keys.IsEmpty)
        {
            logger.LogInformation("API keys required ({Count} configured).", keys.Configured.Count);
            return;
        }
        if (exposed.Count == 0 || options.Value.AllowAnonymous)
        {
            anonymous.Permitted = true;
            if (exposed.Count > 0)
                logger.LogWarning("No API key is configured and OrleansJobs:Auth:AllowAnonymous=true: anyone who reaches {Addresses} may use the service.", string.Join(", ", exposed));
            return;
        }
        throw new InvalidOperationException(RefusalMessage(exposed));
    }

    /// <summary>What the refusal says: why, and the two ways out.</summary>
    public static string RefusalMessage(IEnumerable<string> exposed) =>
        $"OrleansJobs refuses to start: it listens on {string.Join(", ", exposed)}, beyond loopback, and no API key is configured. "
        + "Create one with the silo's 'keys add <name> --scopes admin' command (or configure OrleansJobs:Auth:Keys:<name>:Sha256 "
        + "with the lowercase hex SHA-256 of a secret and OrleansJobs:Auth:Keys:<name>:Scopes), "
        + "or set OrleansJobs:Auth:AllowAnonymous=true to serve anyone who can reach it.";

    /// <summary>True for an address such as <c>http://127.0.0.1:5000</c>, <c>http://[::1]:5000</c> or <c>http://localhost:5000</c>.</summary>
    public static bool IsLoopback(string address)
    {
        var rest = address.Contains("://", StringComparison.Ordinal) ? address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..] : address;
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']'))] : rest.Split(':', '/')[0];
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip);
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
