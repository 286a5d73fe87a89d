using OrleansJobs.Server.Auth;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>
/// The standalone silo as a real process on loopback with API keys configured (hashes only, as operators do): one of
/// each scope that the tests exercise, and an admin key.
/// </summary>
public sealed class KeyedSiloFixture : IAsyncLifetime
{
    public const string Admin = "oj_test-admin-secret";
    public const string Reader = "oj_test-reader-secret";
    public const string Submitter = "oj_test-submitter-secret";
    public const string Manager = "oj_test-manager-secret";

    private SiloProcess? _silo;

    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    /// <summary>The command-line settings that configure <paramref name="name"/> with <paramref name="secret"/>'s hash.</summary>
    public static IEnumerable<string> KeyArgs(string name, string secret, string scopes) =>
    [
        $"--OrleansJobs:Auth:Keys:{name}:Sha256={Convert.ToHexStringLower(ApiKey.Hash(secret))}",
        $"--OrleansJobs:Auth:Keys:{name}:Scopes={scopes}",
    ];

    public async ValueTask InitializeAsync()
    {
        _silo = SiloProcess.Start(new SiloProcessOptions
        {
            Args =
            [
                .. KeyArgs("admin", Admin, "admin"),
                .. KeyArgs("reader", Reader, "read"),
                .. KeyArgs("submitter", Submitter, "submit"),
                .. KeyArgs("manager", Manager, "manage, read"),
            ],
        });
        await _silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
    }
}
