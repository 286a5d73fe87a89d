using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using OrleansJobs.Callbacks;
using OrleansJobs.Silo;
using OrleansJobs.Tests.Infrastructure;

namespace OrleansJobs.Tests.Grains.Callbacks;

/// <summary>A pending callback outlives its silo: a host of its own is stopped between deliveries and started again.</summary>
[Trait("Kind", "Silo")]
public sealed class CallbackRestartTests(HttpTarget receiver) : IClassFixture<HttpTarget>, IAsyncDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("orleansjobs-callbacks-").FullName;

    [Fact]
    public async Task Pending_callback_is_delivered_by_its_reminder_after_the_silo_restarts()
    {
        // Refused until the fourth delivery: 1 + 2 + 4 s of backoff, far longer than the stop below takes.
        var (url, name) = receiver.Answering(503, 503, 503, 200);
        var baseAddress = new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}");
        var first = await StartAsync(baseAddress);
        try
        {
            using var http = new HttpClient { BaseAddress = baseAddress };
            await http.SubmitAsync(JsonSerializer.Serialize(new { type = "noop", callbackUrl = url }));
            await WaitForPostsAsync(name, 1, TimeSpan.FromSeconds(20));
        }
        finally
        {
            await StopAsync(first);
        }
        var beforeRestart = receiver.Posts(name).Count;
        // The second delivery (after 1 s) or the third (after 2 s more) may still go out while a busy machine stops the
        // host; the fourth, the first one answered 200, must not: only the restarted silo's reminder sends it.
        Assert.InRange(beforeRestart, 1, 3);

        var second = await StartAsync(new Uri($"http://127.0.0.1:{FreeTcpPort.Next()}"));
        try
        {
            // Nothing calls the grain now: only its reminder (one-minute period) brings it back.
            await WaitForPostsAsync(name, 4, TimeSpan.FromSeconds(100));
        }
        finally
        {
            await StopAsync(second);
        }

        var posts = receiver.Posts(name);
        Assert.Equal([503, 503, 503, 200], posts.Select(p => p.AnsweredWith));
        Assert.Equal(["1", "2", "3", "4"], posts.Select(p => p.Headers[JobCallbackGrain.AttemptHeader]));
        Assert.Single(posts.Skip(beforeRestart), p => p.AnsweredWith == 200);
    }

    private async Task<WebApplication> StartAsync(Uri baseAddress)
    {
        var app = await SiloApp.BuildAsync(SiloHostFixture.Arguments(baseAddress, _data));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private static async Task StopAsync(WebApplication app)
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private Task WaitForPostsAsync(string name, int count, TimeSpan timeout) =>
        Eventually.Until(() => Task.FromResult(receiver.Posts(name).Count >= count),
            timeout, TimeSpan.FromMilliseconds(100), $"the receiver did not get {count} callback POSTs");

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }
}
