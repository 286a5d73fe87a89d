using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Api;
using OrleansJobs.Server.Auth;
using OrleansJobs.Storage;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Makes a fresh silo fast from its first request (<see cref="WarmUpOptions"/>): once the server listens, it submits
/// no-op jobs to its own HTTP API on loopback, waits until they have run, pauses, and does so again, then deletes
/// them; until then <see cref="ReadinessCheck"/> answers "warming up", so a balancer sends no work yet. A silo fresh
/// from start runs every method of the job path first as unoptimised code and compiles the hot ones again in the
/// background; these rounds do that before real traffic arrives (docs/benchmarks.md, W1-cold, measures what it gives).
/// <para>
/// The jobs travel the whole path (Kestrel, authentication, the API, the job grain, the store, the runner) in the
/// queue <see cref="Queue"/>, under a key the process makes for itself and accepts only while the warm-up runs
/// (<see cref="ApiKeyStore.AcceptForNow"/>); they are owned by <see cref="Owner"/>, so only admin callers could see
/// them meanwhile. They do count in the job metrics. A warm-up that fails or overruns its timeout is logged, and the
/// silo reports ready without it.
/// </para>
/// </summary>
public sealed class StartupWarmUp(IServiceProvider services, IHostApplicationLifetime lifetime, ApiKeyStore keys, ApiPaths paths,
    IJobStore store, IGrainFactory grains, IOptions<WarmUpOptions> options, ILogger<StartupWarmUp> logger) : BackgroundService
{
    /// <summary>The queue of the warm-up's jobs.</summary>
    public const string Queue = "orleansjobs.warm-up";

    /// <summary>The name of the warm-up's key, and so the owner of its jobs.</summary>
    public const string Owner = "orleansjobs:warm-up";

    private static readonly string[] Unfinished = [nameof(JobStatus.Queued), nameof(JobStatus.Running), nameof(JobStatus.Scheduled)];

    private static readonly TimeSpan JitQuietFor = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan JitQuietCap = TimeSpan.FromSeconds(10);

    private volatile bool _finished;

    /// <summary>True once the warm-up is over (run, failed, timed out) or when it is off.</summary>
    public bool Finished => _finished || options.Value.Jobs == 0;

    /// <summary>Warm-up jobs of the rounds run to the end so far.</summary>
    public int Ran { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.Jobs == 0) return;
        try
        {
            await WaitForStartAsync(stoppingToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(settings.Timeout);
            var clock = Stopwatch.StartNew();
            await RunAsync(settings, timeout.Token);
            logger.LogInformation("Warmed up with {Jobs} no-op jobs in {Rounds} rounds in {Seconds:N1} s; reporting ready.",
                Ran, settings.Rounds, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "The start-up warm-up did not finish ({Ran} jobs run and deleted; any others of its jobs run later in queue {Queue}); the silo reports ready without it.",
                Ran, Queue);
        }
        finally
        {
            _finished = true;
        }
    }

    private async Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(cancellationToken);
    }

    private async Task RunAsync(WarmUpOptions settings, CancellationToken cancellationToken)
    {
        var secret = ApiKey.NewSecret();
        using var accepted = keys.AcceptForNow(new ApiKey(Owner, ApiKey.Hash(secret), [JobScopes.Submit, JobScopes.Read]));
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = settings.Concurrency })
        {
            BaseAddress = new Uri(OwnAddress(), paths.Api + "/"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, secret);

        // Only the jobs of rounds that ran to the end are deleted: a job still queued or running when a timeout cut the
        // round short would write its row again. Those stay in the warm-up's queue, run, and go with retention.
        var ran = new List<string>(settings.Jobs * settings.Rounds);
        try
        {
            for (var round = 0; round < settings.Rounds; round++)
            {
                var submitted = await SubmitAsync(http, settings, cancellationToken);
                await WaitUntilRunAsync(http, cancellationToken);
                ran.AddRange(submitted);
                Ran = ran.Count;
                await Task.Delay(settings.Pause, cancellationToken);
                await JitQuietAsync(cancellationToken);
            }
        }
        finally
        {
            await DeleteAsync(ran);
        }
    }

    /// <summary>
    /// Waits until the runtime has compiled no new method for <see cref="JitQuietFor"/> (at most <see cref="JitQuietCap"/>):
    /// a round leaves the methods it made hot queued for the optimising compiler, which works through them in the
    /// background, and a burst that arrives before it is done still runs their unoptimised code.
    /// </summary>
    private async Task JitQuietAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var compiled = JitInfo.GetCompiledMethodCount();
        while (clock.Elapsed < JitQuietCap)
        {
            await Task.Delay(JitQuietFor, cancellationToken);
            var now = JitInfo.GetCompiledMethodCount();
            if (now == compiled) break;
            compiled = now;
        }
        logger.LogInformation("Warm-up: {Methods} methods compiled so far, in {JitSeconds:N1} s of JIT time; quiet after {Waited:N1} s.",
            compiled, JitInfo.GetCompilationTime().TotalSeconds, clock.Elapsed.TotalSeconds);
    }

    private async Task<IReadOnlyList<string>> SubmitAsync(HttpClient http, WarmUpOptions settings, CancellationToken cancellationToken)
    {
        var ids = new string[settings.Jobs];
        var next = -1;
        var body = $$"""{"type":"{{NoopJobHandler.Type}}","queue":"{{Queue}}"}""";
        await Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < ids.Length; i = Interlocked.Increment(ref next))
                ids[i] = await SubmitOneAsync(http, body, cancellationToken);
        }));
        return ids;
    }

    private static async Task<string> SubmitOneAsync(HttpClient http, string body, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("jobs", content, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Accepted)
                return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetString()!;
            // Shed by the silo's own backpressure: the warm-up waits as any client would.
            if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
                continue;
            }
            throw new InvalidOperationException(
                $"A warm-up submission answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static async Task WaitUntilRunAsync(HttpClient http, CancellationToken cancellationToken)
    {
        foreach (var status in Unfinished)
        {
            while (true)
            {
                var page = await http.GetFromJsonAsync<JsonElement>($"jobs?queue={Queue}&status={status}&limit=1", cancellationToken);
                if (page.GetProperty("items").GetArrayLength() == 0) break;
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
            }
        }
    }

    // Rows first, then the activations that still hold them (as retention does), so nothing of the warm-up stays.
    private async Task DeleteAsync(List<string> ids)
    {
        try
        {
            foreach (var chunk in ids.Chunk(64))
                await Task.WhenAll(chunk.Select(id => store.DeleteAsync(id)));
            await DeletedJobs.ForgetAsync(grains, ids.Select(id => new DeletedJob(id, BatchId: null, HadCallback: false)), logger);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not delete every warm-up job; those left are in queue {Queue}, owned by {Owner}.", Queue, Owner);
        }
    }

    // The first plain-HTTP address the server listens on, as this machine reaches it.
    private Uri OwnAddress()
    {
        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var http = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException("The warm-up calls the silo's own API over plain HTTP, and the server listens on no http:// address.");
        return LoopbackUrl.Of(http);
    }
}
