using System.Net;
using System.Net.Http.Headers;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>
/// The silo's <c>keys</c> command against a cluster of two silo processes on PostgreSQL: a key it adds works on both,
/// and revoking it (the command is a third process) reaches both within the refresh.
/// </summary>
[Trait("Kind", "Process")]
public sealed class KeysCommandProcessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_key_added_by_the_command_works_on_every_silo_and_its_revocation_reaches_them_all()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();

        var (added, output) = await KeysAsync(database.ConnectionString, "add", "ci", "--scopes", "read");
        Assert.True(added == 0, output);
        var secret = SiloCommand.SecretOf(output);
        Assert.StartsWith("oj_", secret);
        Assert.Contains("ci\tread", (await KeysAsync(database.ConnectionString, "list")).Output);
        Assert.Equal(1, (await KeysAsync(database.ConnectionString, "add", "ci", "--scopes", "admin")).ExitCode); // the name is taken

        var silos = await ClusterSilos.StartClusterAsync(database.ConnectionString, 2);
        try
        {
            foreach (var silo in silos)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(silo, key: null)); // loopback, but keys exist
                Assert.Equal(HttpStatusCode.OK, await StatusAsync(silo, secret));
            }

            var (revoked, revokeOutput) = await KeysAsync(database.ConnectionString, "revoke", "ci");
            Assert.True(revoked == 0, revokeOutput);
            foreach (var silo in silos)
            {
                await Eventually.Until(async () => await StatusAsync(silo, secret) == HttpStatusCode.Unauthorized,
                    TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(250), $"silo {silo} still accepts the revoked key");
            }
            Assert.DoesNotContain("ci\t", (await KeysAsync(database.ConnectionString, "list")).Output);
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(SiloProcess silo, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/jobs");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await silo.Http.SendAsync(request, Token);
        return response.StatusCode;
    }

    private static Task<(int ExitCode, string Output)> KeysAsync(string connectionString, params string[] args) =>
        SiloCommand.RunAsync(["keys", .. args, $"--ConnectionStrings:OrleansJobs={connectionString}"]);
}
