using OrleansJobs.Server.Auth;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>
/// The standalone silo as a real process on loopback with API keys configured (hashes only, as operators do): one of
/// each scope that the tests exercise, an admin key, and two keys with everything but admin (alice and bob) that own
/// their jobs.
/// </summary>
public sealed class KeyedSiloFixture : IAsyncLifetime
{
    public const string Admin = "oj_test-admin-secret";
    public const string Reader = "oj_test-reader-secret";
    public const string Submitter = "oj_test-submitter-secret";
    public const string Manager = "oj_test-manager-secret";
    public const string Alice = "oj_test-alice-secret";
    public const string Bob = "oj_test-bob-secret";
    public const string Carol = "oj_test-carol-secret";

    private SiloProcess? _silo;

    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("The silo has not started.");

    /// <summary>The command-line settings that configure <paramref name="name"/> with <paramref name="secret"/>'s hash.</summary>
    public static IEnumerable<string> KeyArgs(string name, string secret, string scopes) =>
    [
        $"--OrleansJobs:Auth:Keys:{name}:Sha256={Convert.ToHexStringLower(ApiKey.Hash(secret))}",
        $"--OrleansJobs:Auth:Keys:{name}:Scopes={scopes}",
    ];

    /// <summary>Sends a request with <paramref name="key"/> as a bearer token (or in <paramref name="header"/>) and a JSON body.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, string? body = null, string header = "Authorization",
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        if (key is not null && header == "Authorization") request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        else if (key is not null) request.Headers.Add(header, key);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>()) request.Headers.Add(name, value);
        return Silo.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

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
                .. KeyArgs("alice", Alice, "submit,read,manage"),
                .. KeyArgs("bob", Bob, "submit,read,manage"),
                .. KeyArgs("carol", Carol, "submit,read"),
            ],
        });
        await _silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
    }

    public async ValueTask DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
    }
}
