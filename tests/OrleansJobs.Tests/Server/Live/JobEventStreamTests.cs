using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Live;

/// <summary><c>GET /api/jobs/{id}/events</c> read with a plain <see cref="HttpClient"/>, as any server-sent events client would.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class JobEventStreamTests(SiloHostFixture host) : IDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly HttpClient _http = new() { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public void Dispose() => _http.Dispose();

    private sealed record ServerSentEvent(long Id, string Event, JsonElement Data)
    {
        public string Status => Data.GetProperty("status").GetString()!;
    }

    private async Task<string> SubmitDelayAsync(string duration, int steps)
    {
        using var response = await _http.PostAsJsonAsync("api/jobs", new { type = "delay", payload = new { duration, steps } }, Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(Token)).GetProperty("id").GetString()!;
    }

    private async Task<HttpResponseMessage> OpenAsync(string jobId, long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"api/jobs/{jobId}/events");
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    /// <summary>The stream's events until it closes, or until <paramref name="take"/> of them when given.</summary>
    private static async Task<List<ServerSentEvent>> ReadAsync(HttpResponseMessage response, int? take = null)
    {
        var events = new List<ServerSentEvent>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Token));
        var fields = new Dictionary<string, string>();
        while (events.Count != take && await reader.ReadLineAsync(Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (fields.Count > 0)
                    events.Add(new ServerSentEvent(long.Parse(fields["id"]), fields["event"], JsonDocument.Parse(fields["data"]).RootElement.Clone()));
                fields.Clear();
            }
            else if (!line.StartsWith(':'))
            {
                var colon = line.IndexOf(':');
                fields[line[..colon]] = line[(colon + 1)..].TrimStart(' ');
            }
        }
        return events;
    }

    [Fact]
    public async Task Events_stream_the_whole_run_in_increasing_ids_and_close_after_success()
    {
        var id = await SubmitDelayAsync("00:00:02", 10);

        using var response = await OpenAsync(id);
        var events = await ReadAsync(response);

        Assert.True(events.Count >= 2, $"only {events.Count} events");
        for (var i = 1; i < events.Count; i++)
            Assert.True(events[i].Id > events[i - 1].Id, $"id {events[i].Id} after {events[i - 1].Id}");
        Assert.All(events, e => Assert.Equal(e.Id, e.Data.GetProperty("sequence").GetInt64()));
        Assert.All(events, e => Assert.Equal(e.Event, e.Data.GetProperty("kind").GetString()));
        Assert.Equal(("status", "Succeeded"), (events[^1].Event, events[^1].Status));
        Assert.Contains(events, e => e.Event == "progress");
    }

    [Fact]
    public async Task Last_Event_ID_resumes_with_only_later_events()
    {
        var id = await SubmitDelayAsync("00:00:02", 10);
        List<ServerSentEvent> before;
        using (var first = await OpenAsync(id))
            before = await ReadAsync(first, take: 3);
        var lastSeen = before[^1].Id;

        using var resumed = await OpenAsync(id, lastSeen);
        var after = await ReadAsync(resumed);

        Assert.NotEmpty(after);
        Assert.All(after, e => Assert.True(e.Id > lastSeen, $"id {e.Id} is not after {lastSeen}"));
        Assert.Equal("Succeeded", after[^1].Status);

        using var caughtUp = await OpenAsync(id, after[^1].Id);
        Assert.Empty(await ReadAsync(caughtUp));
    }

    [Fact]
    public async Task Events_of_an_unknown_job_are_not_found()
    {
        using var response = await _http.GetAsync($"api/jobs/job_{Guid.NewGuid():N}/events", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
