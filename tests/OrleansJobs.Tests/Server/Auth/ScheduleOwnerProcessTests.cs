using System.Net;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>
/// Schedules have owners, over real HTTP against the silo process with keys: the key that creates a schedule owns it
/// and the jobs it starts; another key without admin gets 404 for every route of it, exactly as for a missing one, and
/// does not list it; an admin sees and changes it, and the owner stays.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ScheduleOwnerProcessTests(KeyedSiloFixture fixture) : IClassFixture<KeyedSiloFixture>
{
    private const string Definition = """{"cron":"0 0 1 1 *","job":{"type":"noop"}}""";

    private async Task<(HttpStatusCode Status, JsonElement Body)> AnswerAsync(HttpMethod method, string path, string key, string? body = null)
    {
        using var response = await fixture.SendAsync(method, path, key, body);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string? Detail(JsonElement problem) => problem.GetProperty("detail").GetString();

    [Fact]
    public async Task Another_keys_schedule_answers_every_route_exactly_as_a_missing_one()
    {
        var name = "alice-" + Guid.NewGuid().ToString("N")[..12];
        var missing = "missing-" + Guid.NewGuid().ToString("N")[..12];
        var (created, schedule) = await AnswerAsync(HttpMethod.Put, $"api/schedules/{name}", KeyedSiloFixture.Alice, Definition);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("alice", schedule.GetProperty("owner").GetString());

        foreach (var (method, route, body) in new (HttpMethod, string, string?)[]
                 {
                     (HttpMethod.Get, "api/schedules/{0}", null), (HttpMethod.Put, "api/schedules/{0}", Definition),
                     (HttpMethod.Delete, "api/schedules/{0}", null), (HttpMethod.Post, "api/schedules/{0}/trigger", null),
                     (HttpMethod.Post, "api/schedules/{0}/pause", null), (HttpMethod.Post, "api/schedules/{0}/resume", null),
                 })
        {
            var (hidden, hiddenBody) = await AnswerAsync(method, string.Format(route, name), KeyedSiloFixture.Bob, body);
            Assert.Equal(HttpStatusCode.NotFound, hidden);
            if (method != HttpMethod.Put) // a put of a missing name creates it
            {
                var (absent, absentBody) = await AnswerAsync(method, string.Format(route, missing), KeyedSiloFixture.Bob, body);
                Assert.Equal(HttpStatusCode.NotFound, absent);
                Assert.Equal(Detail(absentBody)!.Replace(missing, "<name>"), Detail(hiddenBody)!.Replace(name, "<name>"));
            }
        }

        var (_, bobsList) = await AnswerAsync(HttpMethod.Get, "api/schedules", KeyedSiloFixture.Bob);
        Assert.DoesNotContain(name, Names(bobsList));
        var (_, alicesList) = await AnswerAsync(HttpMethod.Get, "api/schedules", KeyedSiloFixture.Alice);
        Assert.Contains(name, Names(alicesList));
        Assert.All(alicesList.GetProperty("items").EnumerateArray(), s => Assert.Equal("alice", s.GetProperty("owner").GetString()));

        // Bob's delete and pause did nothing.
        var (status, still) = await AnswerAsync(HttpMethod.Get, $"api/schedules/{name}", KeyedSiloFixture.Alice);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(still.GetProperty("paused").GetBoolean());
    }

    [Fact]
    public async Task Jobs_a_schedule_starts_carry_its_owner_and_an_admins_change_keeps_the_owner()
    {
        var name = "alice-" + Guid.NewGuid().ToString("N")[..12];
        Assert.Equal(HttpStatusCode.Created, (await AnswerAsync(HttpMethod.Put, $"api/schedules/{name}", KeyedSiloFixture.Alice, Definition)).Status);

        var (triggered, job) = await AnswerAsync(HttpMethod.Post, $"api/schedules/{name}/trigger", KeyedSiloFixture.Alice);
        Assert.Equal(HttpStatusCode.Accepted, triggered);
        Assert.Equal("alice", job.GetProperty("owner").GetString());
        var id = job.GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(HttpMethod.Get, $"api/jobs/{id}", KeyedSiloFixture.Alice)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await AnswerAsync(HttpMethod.Get, $"api/jobs/{id}", KeyedSiloFixture.Bob)).Status);

        var (_, adminsList) = await AnswerAsync(HttpMethod.Get, "api/schedules", KeyedSiloFixture.Admin);
        Assert.Contains(name, Names(adminsList));
        var (changed, schedule) = await AnswerAsync(HttpMethod.Put, $"api/schedules/{name}", KeyedSiloFixture.Admin, """{"cron":"0 0 2 1 *","job":{"type":"noop"}}""");
        Assert.Equal(HttpStatusCode.OK, changed);
        Assert.Equal("alice", schedule.GetProperty("owner").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await AnswerAsync(HttpMethod.Delete, $"api/schedules/{name}", KeyedSiloFixture.Alice)).Status);
    }

    private static List<string?> Names(JsonElement list) => [.. list.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("name").GetString())];
}
