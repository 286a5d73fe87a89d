using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using OrleansJobs.Streams;
using OrleansJobs.Client;
using OrleansJobs.Jobs;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Server.Live;

/// <summary>
/// SignalR's own routes under <c>/hubs/jobs</c>: their errors are problem documents like the rest of the service's
/// (HubProblemDetails), and the transports that stream through the response body, server-sent events and long
/// polling, still carry a job's events with that middleware in front of them, read from the job-event queues through
/// the quiet receivers (QuietQueueAdapterFactory).
/// </summary>
[Collection(typeof(SiloHostCollection))]
[Trait("Kind", "Silo")]
public sealed class HubTransportTests(SiloHostFixture host) : IDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly HttpClient _http = new() { BaseAddress = host.BaseAddress };

    public void Dispose() => _http.Dispose();

    [Theory]
    [InlineData("POST", "hubs/jobs", HttpStatusCode.BadRequest)] // no connection token
    [InlineData("GET", "hubs/jobs?id=not-a-connection", HttpStatusCode.NotFound)]
    [InlineData("POST", "hubs/jobs?id=not-a-connection", HttpStatusCode.NotFound)]
    [InlineData("DELETE", "hubs/jobs?id=not-a-connection", HttpStatusCode.NotFound)]
    public async Task Errors_of_signalrs_own_routes_are_problem_documents_with_its_reason_as_detail(string method, string path, HttpStatusCode status)
    {
        using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Token);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{method} {path} answered {(int)response.StatusCode} {response.Content.Headers.ContentType}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        JobApi.AssertProblem(response, status, problem);
        Assert.False(string.IsNullOrWhiteSpace(JobApi.Detail(problem)), body);
    }

    [Fact]
    public void The_job_event_stream_reads_its_queues_through_the_quiet_receivers()
    {
        var factory = host.Services.GetRequiredKeyedService<IQueueAdapterFactory>(JobStreams.Provider);
        Assert.IsType<QuietQueueAdapterFactory>(factory);
    }

    [Theory]
    [InlineData(HttpTransportType.ServerSentEvents)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task A_transport_that_streams_through_the_response_body_carries_a_jobs_events_to_the_end(HttpTransportType transport)
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(host.BaseAddress, "hubs/jobs"), o => o.Transports = transport)
            .Build();
        var events = new ConcurrentQueue<JsonElement>();
        connection.On<JsonElement>("JobEvent", events.Enqueue);
        await connection.StartAsync(Token);
        // Long enough that progress is still to come once Subscribe has answered, however slow the machine.
        var job = await new OrleansJobsClient(_http).SubmitAsync("delay", new DelayPayload("00:00:05", 10), cancellationToken: Token);

        await connection.InvokeAsync("Subscribe", job.Id, Token);
        await Eventually.Until(() => Task.FromResult(events.Any(e => e.GetProperty("status").GetString() == "Succeeded")),
            TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50), $"no Succeeded event over {transport}");
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "progress");
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }
}
