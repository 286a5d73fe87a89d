using System.Collections.Concurrent;
using OrleansJobs.Client;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Workers;

/// <summary>
/// Queues decide which external jobs are leased, as they decide in-process starts, against a real silo process on
/// SQLite with the client library's .NET worker in the test process: the highest priority is leased first in a queue
/// without limits, and a paused queue holds its jobs until it is resumed.
/// </summary>
[Trait("Kind", "Process")]
public sealed class ExternalQueueProcessTests
{
    private const string Type = "ext.queued";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task<SiloProcess> StartSiloAsync() => SiloProcess.StartReadyAsync(
        "--OrleansJobs:SweepInterval=00:00:01", $"--OrleansJobs:Workers:Types:0={Type}");

    private static OrleansJobsWorkerOptions Worker(string name, ConcurrentQueue<string> started) =>
        new OrleansJobsWorkerOptions { Name = name, MaxConcurrentJobs = 1, PollWait = TimeSpan.FromSeconds(2) }.Handle(Type, async (lease, _, ct) =>
        {
            started.Enqueue(lease.Id);
            await Task.Delay(100, ct);
            return null;
        });

    private static Task<Dictionary<string, System.Text.Json.JsonElement>> UntilSucceededAsync(SiloProcess silo, IEnumerable<string> ids) =>
        ProcessApi.UntilEveryAsync(silo.Http, ids, status => status == "Succeeded", Settle, "the external jobs did not all succeed");

    [Fact]
    public async Task Ready_jobs_of_a_queue_without_limits_are_leased_highest_priority_first()
    {
        await using var silo = await StartSiloAsync();
        await using var client = new OrleansJobsClient(silo.Http);
        var byPriority = new Dictionary<int, string>();
        foreach (var priority in new[] { 1, 9, 5, 3, 7 })
            byPriority[priority] = (await client.SubmitAsync(Type, new SubmitOptions { Priority = priority }, Token)).Id;
        // The jobs offer themselves to their worker pool as they are submitted; give those calls time to land.
        await Task.Delay(TimeSpan.FromSeconds(2), Token);

        var started = new ConcurrentQueue<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var worker = client.RunWorkerAsync(Worker("w-priority", started), stop.Token);
        await UntilSucceededAsync(silo, byPriority.Values);

        Assert.Equal(byPriority.OrderByDescending(p => p.Key).Select(p => p.Value), started);
        await stop.CancelAsync();
        await worker.WaitAsync(Settle, Token);
    }

    [Fact]
    public async Task A_paused_queue_holds_its_external_jobs_until_it_is_resumed()
    {
        await using var silo = await StartSiloAsync();
        await using var client = new OrleansJobsClient(silo.Http);
        await client.PauseQueueAsync("ext-paused", Token);
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
            ids.Add((await client.SubmitAsync(Type, new SubmitOptions { Queue = "ext-paused" }, Token)).Id);

        var started = new ConcurrentQueue<string>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var worker = client.RunWorkerAsync(Worker("w-paused", started), stop.Token);
        // The worker polls all along; a paused queue must not let it lease anything.
        await Task.Delay(TimeSpan.FromSeconds(5), Token);
        Assert.Empty(started);
        foreach (var id in ids) Assert.Equal(JobStatus.Queued, (await client.GetAsync(id, Token)).Status);

        await client.ResumeQueueAsync("ext-paused", Token);
        await UntilSucceededAsync(silo, ids);
        Assert.Equal(ids.Order(), started.Order());
        await stop.CancelAsync();
        await worker.WaitAsync(Settle, Token);
    }
}
