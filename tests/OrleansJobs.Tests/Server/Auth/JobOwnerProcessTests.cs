using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>
/// Owners over real HTTP against the silo as a real process, with two keys that have every scope but admin (alice and
/// bob): a key reads, lists, cancels, retries and watches (hub and server-sent events) only its own jobs, another's
/// answering exactly as a missing one does; its idempotency keys are its own; an admin key sees everything, owners shown.
/// </summary>
[Trait("Kind", "Process")]
public sealed class JobOwnerProcessTests(KeyedSiloFixture fixture) : IClassFixture<KeyedSiloFixture>
{
    private const string Missing = "job_00000000000000000000000000000000";
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Another_keys_job_answers_every_route_exactly_as_a_missing_job()
    {
        var job = await SubmitAsync(KeyedSiloFixture.Alice, """{"type":"delay","payload":{"duration":"00:01:00"}}""");
        Assert.Equal("alice", job.GetProperty("owner").GetString());
        var id = job.GetProperty("id").GetString()!;

        foreach (var (method, route) in new[] { (HttpMethod.Get, "api/jobs/{0}"), (HttpMethod.Post, "api/jobs/{0}/cancel"),
                     (HttpMethod.Post, "api/jobs/{0}/retry"), (HttpMethod.Get, "api/jobs/{0}/events") })
        {
            var (hidden, hiddenBody) = await AnswerAsync(method, string.Format(route, id), KeyedSiloFixture.Bob);
            var (missing, missingBody) = await AnswerAsync(method, string.Format(route, Missing), KeyedSiloFixture.Bob);
            Assert.Equal(HttpStatusCode.NotFound, hidden);
            Assert.Equal(HttpStatusCode.NotFound, missing);
            Assert.Equal(Problem(missingBody).Replace(Missing, "<id>"), Problem(hiddenBody).Replace(id, "<id>"));
        }

        // Bob's cancel did nothing: the job is still alice's to see and cancel.
        var (status, body) = await AnswerAsync(HttpMethod.Get, $"api/jobs/{id}", KeyedSiloFixture.Alice);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEqual("Cancelled", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(HttpMethod.Post, $"api/jobs/{id}/cancel", KeyedSiloFixture.Alice)).Status);
        // Retried at once, or 409 while the cancelled handler is still stopping: either way alice reaches her job.
        Assert.NotEqual(HttpStatusCode.NotFound, (await AnswerAsync(HttpMethod.Post, $"api/jobs/{id}/retry", KeyedSiloFixture.Alice)).Status);

        // A job bob cannot see is no dependency of his either.
        using var depending = await fixture.SendAsync(HttpMethod.Post, "api/jobs", KeyedSiloFixture.Bob, $$"""{"type":"noop","dependsOn":["{{id}}"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, depending.StatusCode);
    }

    [Fact]
    public async Task Bulk_delete_leaves_another_keys_failed_job_as_it_leaves_a_missing_one()
    {
        const string failing = """{"type":"delay","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""";
        var alices = (await SubmitAsync(KeyedSiloFixture.Alice, failing)).GetProperty("id").GetString()!;
        var bobs = (await SubmitAsync(KeyedSiloFixture.Bob, failing)).GetProperty("id").GetString()!;
        await Eventually.Until(async () =>
                JsonDocument.Parse((await AnswerAsync(HttpMethod.Get, $"api/jobs/{alices}", KeyedSiloFixture.Alice)).Body).RootElement.GetProperty("status").GetString() == "Failed"
                && JsonDocument.Parse((await AnswerAsync(HttpMethod.Get, $"api/jobs/{bobs}", KeyedSiloFixture.Bob)).Body).RootElement.GetProperty("status").GetString() == "Failed",
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), "the failing jobs did not fail");

        using var response = await fixture.SendAsync(HttpMethod.Post, "api/jobs/delete", KeyedSiloFixture.Bob, $$"""{"ids":["{{alices}}","{{bobs}}"]}""");
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([bobs], answer.GetProperty("deleted").EnumerateArray().Select(id => id.GetString()));
        Assert.Equal([alices], answer.GetProperty("kept").EnumerateArray().Select(id => id.GetString()));
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(HttpMethod.Get, $"api/jobs/{alices}", KeyedSiloFixture.Alice)).Status);
    }

    [Fact]
    public async Task The_hub_refuses_another_keys_job_as_it_refuses_a_missing_one_and_serves_the_owner()
    {
        var id = (await SubmitAsync(KeyedSiloFixture.Alice, """{"type":"noop"}""")).GetProperty("id").GetString()!;
        await using var bob = await HubAsync(KeyedSiloFixture.Bob);
        var hidden = await Assert.ThrowsAsync<HubException>(() => bob.InvokeAsync("Subscribe", id, Token));
        var missing = await Assert.ThrowsAsync<HubException>(() => bob.InvokeAsync("Subscribe", Missing, Token));
        Assert.Equal(missing.Message.Replace(Missing, "<id>"), hidden.Message.Replace(id, "<id>"));

        await using var alice = await HubAsync(KeyedSiloFixture.Alice);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        alice.On<JsonElement>("JobEvent", e => received.TrySetResult(e.GetProperty("jobId").GetString()!));
        await alice.InvokeAsync("Subscribe", id, Token);
        Assert.Equal(id, await received.Task.WaitAsync(TimeSpan.FromSeconds(30), Token));
    }

    [Fact]
    public async Task Each_key_lists_its_own_jobs_and_an_admin_key_lists_all_with_their_owners()
    {
        var alices = (await SubmitAsync(KeyedSiloFixture.Alice, """{"type":"noop","queue":"owners-list"}""")).GetProperty("id").GetString();
        var bobs = (await SubmitAsync(KeyedSiloFixture.Bob, """{"type":"noop","queue":"owners-list"}""")).GetProperty("id").GetString();

        var asAlice = await ListAsync(KeyedSiloFixture.Alice);
        Assert.Contains(alices, asAlice.Keys);
        Assert.DoesNotContain(bobs, asAlice.Keys);
        Assert.All(asAlice.Values, owner => Assert.Equal("alice", owner));
        var asBob = await ListAsync(KeyedSiloFixture.Bob);
        Assert.Contains(bobs, asBob.Keys);
        Assert.DoesNotContain(alices, asBob.Keys);
        var asAdmin = await ListAsync(KeyedSiloFixture.Admin);
        Assert.Equal("alice", asAdmin[alices!]);
        Assert.Equal("bob", asAdmin[bobs!]);
        Assert.Equal(HttpStatusCode.OK, (await AnswerAsync(HttpMethod.Get, $"api/jobs/{alices}", KeyedSiloFixture.Admin)).Status);
    }

    [Fact]
    public async Task A_label_lists_only_the_callers_own_jobs_that_carry_it_and_an_admin_key_lists_all()
    {
        var label = "owners-" + Guid.NewGuid().ToString("N")[..12];
        var alices = (await SubmitAsync(KeyedSiloFixture.Alice, $$"""{"type":"noop","labels":["{{label}}","alice-only"]}""")).GetProperty("id").GetString()!;
        var bobs = (await SubmitAsync(KeyedSiloFixture.Bob, $$"""{"type":"noop","labels":["{{label}}"]}""")).GetProperty("id").GetString()!;
        await SubmitAsync(KeyedSiloFixture.Alice, """{"type":"noop","labels":["unrelated"]}""");

        async Task<string[]> Listed(string key)
        {
            var (status, body) = await AnswerAsync(HttpMethod.Get, $"api/jobs?label={label}&limit=500", key);
            Assert.Equal(HttpStatusCode.OK, status);
            return [.. JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray().Select(job => job.GetProperty("id").GetString()!)];
        }

        Assert.Equal([alices], await Listed(KeyedSiloFixture.Alice));
        Assert.Equal([bobs], await Listed(KeyedSiloFixture.Bob));
        Assert.Equal([bobs, alices], await Listed(KeyedSiloFixture.Admin));
        var (_, body) = await AnswerAsync(HttpMethod.Get, $"api/jobs/{alices}", KeyedSiloFixture.Alice);
        Assert.Equal([label, "alice-only"], JsonDocument.Parse(body).RootElement.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

        // Refusals are problem documents that name the field: the query's label, a submit's item.
        var (badQuery, queryProblem) = await AnswerAsync(HttpMethod.Get, "api/jobs?label=a%20b", KeyedSiloFixture.Alice);
        Assert.Equal(HttpStatusCode.BadRequest, badQuery);
        Assert.True(JsonDocument.Parse(queryProblem).RootElement.GetProperty("errors").TryGetProperty("label", out _), queryProblem);
        using var badSubmit = await fixture.SendAsync(HttpMethod.Post, "api/jobs", KeyedSiloFixture.Alice, """{"type":"noop","labels":["a","b","c d"]}""");
        var submitProblem = await badSubmit.Content.ReadAsStringAsync(Token);
        Assert.Equal(HttpStatusCode.BadRequest, badSubmit.StatusCode);
        Assert.Equal("application/problem+json", badSubmit.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(submitProblem).RootElement.GetProperty("errors").TryGetProperty("labels[2]", out _), submitProblem);
    }

    [Fact]
    public async Task Two_keys_use_the_same_idempotency_key_independently()
    {
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "owners-" + Guid.NewGuid().ToString("N") };
        using var alice1 = await fixture.SendAsync(HttpMethod.Post, "api/jobs", KeyedSiloFixture.Alice, """{"type":"noop"}""", headers: key);
        using var bob1 = await fixture.SendAsync(HttpMethod.Post, "api/jobs", KeyedSiloFixture.Bob, """{"type":"noop"}""", headers: key);
        using var alice2 = await fixture.SendAsync(HttpMethod.Post, "api/jobs", KeyedSiloFixture.Alice, """{"type":"noop"}""", headers: key);

        Assert.Equal(HttpStatusCode.Accepted, alice1.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, bob1.StatusCode);
        Assert.False(bob1.Headers.Contains("Idempotent-Replayed"), "bob's first submit replayed alice's job");
        Assert.Equal("true", alice2.Headers.GetValues("Idempotent-Replayed").Single());
        var (a1, b1, a2) = (await IdAsync(alice1), await IdAsync(bob1), await IdAsync(alice2));
        Assert.NotEqual(a1, b1);
        Assert.Equal(a1, a2);
    }

    [Fact]
    public async Task The_timeline_counts_a_keys_own_jobs_an_admin_key_every_job_and_refuses_a_span_past_an_hour()
    {
        for (var i = 0; i < 3; i++) await SubmitAsync(KeyedSiloFixture.Carol, """{"type":"noop"}""");
        await SubmitAsync(KeyedSiloFixture.Bob, """{"type":"noop"}""");

        async Task<(long Submitted, JsonElement Timeline)> SubmittedAsync(string key)
        {
            var (status, body) = await AnswerAsync(HttpMethod.Get, "api/stats/timeline", key);
            Assert.Equal(HttpStatusCode.OK, status);
            var timeline = JsonDocument.Parse(body).RootElement.Clone();
            return (timeline.GetProperty("points").EnumerateArray().Sum(p => p.GetProperty("submitted").GetInt64()), timeline);
        }

        var (carols, timeline) = await SubmittedAsync(KeyedSiloFixture.Carol);
        Assert.Equal(3, carols); // the only jobs of carol's in this silo
        Assert.Equal((30, 30.0), (timeline.GetProperty("points").GetArrayLength(), timeline.GetProperty("bucketSeconds").GetDouble()));
        Assert.True((await SubmittedAsync(KeyedSiloFixture.Admin)).Submitted >= 4);

        foreach (var minutes in new[] { "0", "61", "ten" })
        {
            var (status, body) = await AnswerAsync(HttpMethod.Get, $"api/stats/timeline?minutes={minutes}", KeyedSiloFixture.Carol);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty("minutes", out _), body);
        }
    }

    private async Task<JsonElement> SubmitAsync(string key, string body)
    {
        using var response = await fixture.SendAsync(HttpMethod.Post, "api/jobs", key, body);
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submit answered {response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>What a problem document says (its type, title, status and detail), without the ids that differ per request.</summary>
    private static string Problem(string body)
    {
        var problem = JsonDocument.Parse(body).RootElement;
        return string.Join("|", new[] { "type", "title", "status", "detail" }.Select(name => problem.TryGetProperty(name, out var value) ? value.ToString() : ""));
    }

    private static async Task<string> IdAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement.GetProperty("id").GetString()!;

    private async Task<(HttpStatusCode Status, string Body)> AnswerAsync(HttpMethod method, string path, string key)
    {
        using var response = await fixture.SendAsync(method, path, key);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Token));
    }

    /// <summary>The ids and owners of the first page of the queue's jobs as <paramref name="key"/> lists them.</summary>
    private async Task<Dictionary<string, string?>> ListAsync(string key)
    {
        var (status, body) = await AnswerAsync(HttpMethod.Get, "api/jobs?queue=owners-list&limit=500", key);
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonDocument.Parse(body).RootElement.GetProperty("items").EnumerateArray()
            .ToDictionary(job => job.GetProperty("id").GetString()!, job => job.GetProperty("owner").GetString());
    }

    private async Task<HubConnection> HubAsync(string key)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.Silo.Http.BaseAddress!, "hubs/jobs"), o => o.AccessTokenProvider = () => Task.FromResult<string?>(key)).Build();
        await connection.StartAsync(Token);
        return connection;
    }
}
