using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.AspNetCore.SignalR.Client;
using OrleansJobs.Tests.Infrastructure;
using OrleansJobs.Tests.Server.Auth;
using OrleansJobs.Tests.Silo.Fuzz;

namespace OrleansJobs.Tests.Silo;

/// <summary>
/// The service's boundary under generated bad requests (SECURITY.md): at least 10,000 of them, against the silo as a
/// real process with keys required, to every write endpoint its route table holds (so a new one is fuzzed without
/// being listed), to the server-sent events, and to the SignalR hub (its negotiate, bad tokens, hub methods called with
/// garbage, raw WebSocket frames). Most requests carry a key that passes, so they reach the handlers. None may be
/// answered with a 5xx, every 4xx must be a problem document, and afterwards the silo is ready, runs a normal job, and
/// has logged no error.
/// <para>
/// A failure prints CsCheck's seed; <c>ORLEANSJOBS_FUZZ_SEED=&lt;seed&gt;</c> replays it, and
/// <c>ORLEANSJOBS_FUZZ_REQUESTS</c> changes the number of HTTP requests (default 9,000; the hub and events add the rest).
/// </para>
/// </summary>
[Trait("Kind", "Process")]
public sealed class BoundaryFuzzTests
{
    private const string Admin = "oj_fuzz-admin-secret";
    private const string Reader = "oj_fuzz-reader-secret";
    private const int MaxPayloadBytes = 64 * 1024;
    private const int Threads = 8;
    private const int EventRequests = 600;
    private const int HubCalls = 600;
    private const int BadTokens = 40;
    private const int RawSockets = 40;

    private static CancellationToken Token => TestContext.Current.CancellationToken;
    private static string? Seed => Environment.GetEnvironmentVariable("ORLEANSJOBS_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;
    private static int HttpRequests => int.TryParse(Environment.GetEnvironmentVariable("ORLEANSJOBS_FUZZ_REQUESTS"), out var n) ? n : 9_000;

    [Fact]
    public async Task The_fuzzer_aims_at_every_write_endpoint_of_the_route_table()
    {
        var routes = await FuzzRoute.OfTheSiloAsync();
        var writes = routes.Where(r => r.IsWrite).Select(r => r.ToString()).ToList();
        // The route table is read, not guessed: these must be among what it gives.
        string[] known = ["POST /api/jobs", "POST /api/jobs/{id}/cancel", "POST /api/batches", "PUT /api/queues/{name}", "DELETE /api/schedules/{name}",
            "POST /api/workers/lease", "POST /api/jobs/{id}/lease/{leaseId}/fail", "POST /hubs/jobs/negotiate", "POST /console/session"];
        Assert.All(known, route => Assert.Contains(route, writes));

        var aimedAt = new ConcurrentDictionary<string, int>();
        BadRequests.For(routes, Admin, Reader, [], MaxPayloadBytes).Sample(r => { aimedAt.AddOrUpdate(r.Route.ToString(), 1, (_, n) => n + 1); }, seed: Seed, iter: 3_000);
        Assert.All(writes, route => Assert.True(aimedAt.GetValueOrDefault(route) >= 5, $"{route} got {aimedAt.GetValueOrDefault(route)} of 3,000 generated requests"));
    }

    [Fact]
    public async Task Ten_thousand_bad_requests_get_no_5xx_only_problem_documents_and_leave_the_silo_running_jobs()
    {
        var routes = await FuzzRoute.OfTheSiloAsync();
        await using var silo = await SiloProcess.StartReadyAsync(new SiloProcessOptions
        {
            Args = [.. KeyedSiloFixture.KeyArgs("admin", Admin, "admin"), .. KeyedSiloFixture.KeyArgs("reader", Reader, "read"), $"--OrleansJobs:MaxPayloadBytes={MaxPayloadBytes}"],
        });
        // Without a cookie jar: a console sign-in among the requests would otherwise sign in every later one (the
        // generator sends the console's cookie itself, where the seed says so).
        using var fuzz = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = silo.Http.BaseAddress };
        using var api = new HttpClient { BaseAddress = silo.Http.BaseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Admin);
        string[] jobIds = await RealJobsAsync(api);
        using var errors = LogWatch.Start(silo);
        var clock = Stopwatch.StartNew();
        var statuses = new ConcurrentDictionary<int, int>();
        var reached = new ConcurrentDictionary<FuzzRoute, int>();

        await BadRequests.For([.. routes.Where(r => !r.Template.EndsWith("/events", StringComparison.Ordinal))], Admin, Reader, jobIds, MaxPayloadBytes)
            .SampleAsync(r => SendAsync(fuzz, r, statuses, reached), seed: Seed, iter: HttpRequests, threads: Threads, print: r => r.ToString());

        var events = new FuzzRoute("GET", "/api/jobs/{id}/events");
        await BadRequests.For([events], Admin, Reader, jobIds, MaxPayloadBytes)
            .Select(Gen.OneOf(Admin, Reader, "oj_wrong", "", " ", Admin + "x", "%", new string('k', 2_000)), Gen.Bool, WithQueryToken)
            .SampleAsync(r => SendAsync(fuzz, r, statuses, reached), seed: Seed, iter: EventRequests, threads: Threads, print: r => r.ToString());

        var hubCalls = await FuzzHubAsync(silo, jobIds);
        var total = statuses.Values.Sum() + hubCalls;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{total} requests in {clock.Elapsed.TotalSeconds:0.0} s ({hubCalls} to the hub): " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));

        Assert.True(total >= 10_000, $"only {total} requests were sent");
        var unreached = routes.Where(r => r.IsWrite && reached.GetValueOrDefault(r) == 0).ToList();
        Assert.True(unreached.Count == 0, "write endpoints no request got past the key checks to: " + string.Join(", ", unreached));
        Assert.True(reached.Values.Sum() > statuses.Values.Sum() * 3 / 4, $"only {reached.Values.Sum()} of {statuses.Values.Sum()} requests passed the key checks");

        using var ready = await silo.Http.GetAsync("health/ready", Token);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var normal = await SubmitAsync(api, """{"type":"delay","queue":"after-the-fuzz","payload":{"duration":"00:00:01"}}""");
        await UntilStatusAsync(api, normal, "Succeeded");
        Assert.True(errors.Lines.IsEmpty, "the silo logged errors:\n" + string.Join("\n", errors.Lines.Take(20)));
    }

    private static async Task SendAsync(HttpClient http, BadRequest request, ConcurrentDictionary<int, int> statuses, ConcurrentDictionary<FuzzRoute, int> reached)
    {
        using var message = request.ToMessage();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        if (FuzzVerdict.PassedAuth(response.StatusCode)) reached.AddOrUpdate(request.Route, 1, (_, n) => n + 1);
        if (await FuzzVerdict.CheckAsync(response, timeout.Token) is { } wrong)
            throw new InvalidOperationException(wrong);
    }

    // Browsers' EventSource cannot send headers: half the event requests present their key (or a bad one) in the query instead.
    private static BadRequest WithQueryToken(BadRequest request, string token, bool inQuery) => !inQuery ? request : request with
    {
        PathAndQuery = request.PathAndQuery + (request.PathAndQuery.Contains('?') ? "&" : "?") + "access_token=" + Uri.EscapeDataString(token),
        Headers = [.. request.Headers.Where(h => h.Key is not ("Authorization" or "X-Api-Key"))],
    };

    /// <summary>Garbage hub calls on a few connections, bad tokens, raw frames; returns how many calls, connections and frames were sent.</summary>
    private static async Task<int> FuzzHubAsync(SiloProcess silo, string[] jobIds)
    {
        var hub = new Uri(silo.Http.BaseAddress!, "hubs/jobs");
        var connections = new ConcurrentBag<HubConnection>();
        for (var i = 0; i < Threads / 2; i++)
        {
            var connection = new HubConnectionBuilder().WithUrl(hub, o => o.AccessTokenProvider = () => Task.FromResult<string?>(Admin)).Build();
            await connection.StartAsync(Token);
            connections.Add(connection);
        }
        try
        {
            await HubFuzz.Call(jobIds).SampleAsync(async call =>
            {
                Assert.True(connections.TryTake(out var connection));
                try
                {
                    if (await HubFuzz.InvokeAsync(connection, call, Token) is { } wrong) throw new InvalidOperationException(wrong);
                }
                finally
                {
                    connections.Add(connection);
                }
            }, seed: Seed, iter: HubCalls, threads: Threads / 2, print: c => $"{c.Method}({c.Args.Length} arguments)");
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }

        await Gen.Select(Gen.OneOf("oj_wrong", "", " ", Reader + "x", "Bearer " + Admin, new string('t', 3_000), "%00", "%FF"), Gen.Bool)
            .SampleAsync(async t =>
            {
                if (await HubFuzz.ConnectWithBadTokenAsync(hub, t.Item1, t.Item2, Token) is { } wrong) throw new InvalidOperationException(wrong);
            }, seed: Seed, iter: BadTokens, threads: Threads);

        var frames = new ConcurrentBag<int>();
        await HubFuzz.Frame.Array[1, 12].SampleAsync(async sent =>
        {
            if (await HubFuzz.SendRawAsync(hub, Admin, sent, frames, Token) is { } wrong) throw new InvalidOperationException(wrong);
        }, seed: Seed, iter: RawSockets, threads: Threads);

        return HubCalls + BadTokens + frames.Count;
    }

    /// <summary>Jobs the fuzz may aim at by id: one running for long, one succeeded, one failed.</summary>
    private static async Task<string[]> RealJobsAsync(HttpClient api)
    {
        var running = await SubmitAsync(api, """{"type":"delay","payload":{"duration":"00:10:00","steps":600},"maxAttempts":1}""");
        var succeeded = await SubmitAsync(api, """{"type":"noop"}""");
        var failed = await SubmitAsync(api, """{"type":"delay","payload":{"duration":"00:00:00","failAttempts":1},"maxAttempts":1}""");
        await UntilStatusAsync(api, succeeded, "Succeeded");
        await UntilStatusAsync(api, failed, "Failed");
        return [running, succeeded, failed];
    }

    private static async Task<string> SubmitAsync(HttpClient api, string json)
    {
        using var response = await api.PostAsync("api/jobs", new StringContent(json, Encoding.UTF8, "application/json"), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"submit answered {response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static Task UntilStatusAsync(HttpClient api, string id, string status) =>
        Eventually.Until(async () =>
        {
            using var document = JsonDocument.Parse(await api.GetStringAsync($"api/jobs/{id}", Token));
            return document.RootElement.GetProperty("status").GetString() == status;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), $"job {id} did not become {status}");
}
