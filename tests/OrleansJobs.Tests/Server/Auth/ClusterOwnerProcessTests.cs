using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>
/// Keys and owners across the 3-silo cluster on PostgreSQL: keys added with the <c>keys</c> command (a process of its
/// own, before any silo runs) work on every silo, and what one key owns (a job, a schedule) stays hidden from another
/// key on every silo, not only on the one that took it.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ClusterOwnerProcessTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Keys_added_by_the_command_work_on_every_silo_and_another_keys_job_and_schedule_are_404_on_each()
    {
        await using var database = new PostgresFixture();
        await database.InitializeAsync();
        var alice = await AddKeyAsync(database.ConnectionString, "alice");
        var bob = await AddKeyAsync(database.ConnectionString, "bob");

        var silos = await ClusterSilos.StartClusterAsync(database.ConnectionString, 3);
        try
        {
            var (submitted, job) = await SendAsync(silos[0], HttpMethod.Post, "api/jobs", alice, """{"type":"noop","runAt":"2099-01-01T00:00:00Z"}""");
            Assert.Equal(HttpStatusCode.Accepted, submitted);
            Assert.Equal("alice", job.GetProperty("owner").GetString());
            var id = job.GetProperty("id").GetString()!;
            var schedule = "cluster-" + Guid.NewGuid().ToString("N")[..12];
            Assert.Equal(HttpStatusCode.Created,
                (await SendAsync(silos[1], HttpMethod.Put, $"api/schedules/{schedule}", alice, """{"cron":"0 0 1 1 *","job":{"type":"noop"}}""")).Status);

            foreach (var silo in silos)
            {
                Assert.Equal(HttpStatusCode.OK, (await SendAsync(silo, HttpMethod.Get, $"api/jobs/{id}", alice)).Status);
                Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(silo, HttpMethod.Get, $"api/jobs/{id}", bob)).Status);
                Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(silo, HttpMethod.Post, $"api/jobs/{id}/cancel", bob)).Status);
                var (_, bobsJobs) = await SendAsync(silo, HttpMethod.Get, "api/jobs", bob);
                Assert.DoesNotContain(id, bobsJobs.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("id").GetString()));
                Assert.Equal(HttpStatusCode.OK, (await SendAsync(silo, HttpMethod.Get, $"api/schedules/{schedule}", alice)).Status);
                Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(silo, HttpMethod.Get, $"api/schedules/{schedule}", bob)).Status);
                Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(silo, HttpMethod.Get, "api/jobs", key: null)).Status);
            }
            Assert.Equal("Scheduled", (await SendAsync(silos[2], HttpMethod.Get, $"api/jobs/{id}", alice)).Body.GetProperty("status").GetString());
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    private static async Task<string> AddKeyAsync(string connectionString, string name)
    {
        var (exitCode, output) = await SiloCommand.RunAsync(["keys", "add", name, "--scopes", "submit,read,manage", $"--ConnectionStrings:OrleansJobs={connectionString}"]);
        Assert.True(exitCode == 0, output);
        return SiloCommand.SecretOf(output);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(SiloProcess silo, HttpMethod method, string path, string? key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await silo.Http.SendAsync(request, Token);
        var text = await response.Content.ReadAsStringAsync(Token);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
