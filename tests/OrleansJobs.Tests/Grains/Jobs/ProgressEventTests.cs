using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Jobs;

/// <summary>How job events are published: status changes all, progress coalesced, sequences without gaps.</summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class ProgressEventTests(SiloHostFixture host)
{
    /// <summary>Reads a job's SSE stream until the server closes it; returns (id, event, data) per event.</summary>
    private async Task<List<(long Id, string Kind, string Data)>> ReadEventsAsync(string jobId)
    {
        using var response = await host.Http.GetAsync($"/api/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        var events = new List<(long, string, string)>();
        var fields = new Dictionary<string, string>();
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (fields.Count > 0) events.Add((long.Parse(fields["id"]), fields["event"], fields["data"]));
                fields.Clear();
            }
            else if (!line.StartsWith(':'))
            {
                var colon = line.IndexOf(':');
                fields[line[..colon]] = line[(colon + 1)..].TrimStart();
            }
        }

        return events;
    }

    [Fact]
    public async Task A_chatty_handler_is_coalesced_to_about_ten_progress_events_a_second_and_the_last_report_arrives()
    {
        // 200 reports in 2 s: 100 a second.
        var id = await host.Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:02","steps":200}}""");

        var events = await ReadEventsAsync(id);

        var progress = events.Where(e => e.Kind == "progress").ToList();
        // At most one per 90 ms (the period with its slack) over the time the handler took, which grows on a busy machine.
        var span = At(progress[^1].Data) - At(progress[0].Data);
        Assert.InRange(progress.Count, 5, (int)(span.TotalMilliseconds / 90) + 2);
        Assert.Contains("\"percent\":100", progress[^1].Data);
        Assert.Contains("\"status\":\"Succeeded\"", events[^1].Data);
        Assert.Equal("status", events[^1].Kind);
        // After the first (the current state), sequences have no gaps: nothing was dropped on the way.
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => events[0].Id + i), events.Select(e => e.Id));
    }

    private static DateTimeOffset At(string data) =>
        System.Text.Json.JsonDocument.Parse(data).RootElement.GetProperty("at").GetDateTimeOffset();

    [Fact]
    public async Task Status_changes_are_never_coalesced()
    {
        // Fails its first attempt, then succeeds after a short backoff: Running, Scheduled, Running, Succeeded.
        var id = await host.Http.SubmitAsync("""{"type":"delay","payload":{"duration":"00:00:00.5","steps":1,"failAttempts":1},"retry":{"initialDelay":"00:00:00.3","jitter":false}}""");

        var statuses = (await ReadEventsAsync(id)).Where(e => e.Kind == "status").Select(e => e.Data).ToList();

        var seen = statuses.Select(d => d[(d.IndexOf("\"status\":\"", StringComparison.Ordinal) + 10)..].Split('"')[0]).ToList();
        Assert.Equal(["Scheduled", "Running", "Succeeded"], seen.SkipWhile(s => s is "Queued" or "Running").ToList());
    }
}
