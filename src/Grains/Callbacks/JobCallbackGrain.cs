using System.Diagnostics;
using System.Globalization;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansJobs.Api;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Outbound;
using OrleansJobs.Telemetry;

namespace OrleansJobs.Callbacks;

/// <summary>
/// The completion callback of one job (keyed by job id): POSTs the job's final state, as the API shows it, to its
/// callback URL until the receiver answers 2xx. The delivery is stored and a reminder stands behind it, so a silo that
/// dies or restarts does not lose it; a one-shot timer makes each delivery prompt. 5xx, 408, 429, timeouts and network
/// errors are retried with backoff up to <see cref="CallbackOptions.MaxAttempts"/>; any other answer, or a host that is
/// not (or no longer) on the allow-list, gives it up.
/// </summary>
[GrainType("job-callback")]
[CollectionAgeLimit(Minutes = 2)]
public sealed class JobCallbackGrain(
    [PersistentState("callback")] IPersistentState<CallbackState> store,
    IHttpClientFactory clients,
    IOptionsMonitor<CallbackOptions> options,
    IOptionsMonitor<HttpJobOptions> hosts,
    TimeProvider time,
    ILogger<JobCallbackGrain> logger) : Grain, IJobCallbackGrain, IRemindable
{
    public const string ClientName = "orleansjobs-callbacks";
    public const string JobIdHeader = "X-OrleansJobs-Job-Id";
    public const string AttemptHeader = "X-OrleansJobs-Delivery-Attempt";

    private const string ReminderName = "callback";

    /// <summary>The shortest reminder period Orleans allows: a lost delivery resumes within a minute of its silo coming back.</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    /// <summary>Deliveries run in an interleaving timer (a call is never queued behind one); state changes take turns here.</summary>
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IGrainTimer? _timer;
    private bool _sending;
    private CallbackState Callback => store.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Arm();
        return Task.CompletedTask;
    }

    async Task IJobCallbackGrain.Deliver(JobState finalState)
    {
        if (finalState.Spec?.CallbackUrl is not { } url) return;
        await _gate.WaitAsync();
        try
        {
            // The same ending handed over again is already taken care of; a later one (after a manual retry) replaces it.
            if (Callback.Status != CallbackStatus.None && finalState.Sequence <= Callback.Sequence) return;
            // The reminder first: should the write below fail, it finds nothing pending and goes away.
            await this.RegisterOrUpdateReminder(ReminderName, ReminderPeriod, ReminderPeriod);
            store.State = new CallbackState
            {
                Status = CallbackStatus.Pending,
                Url = url,
                Body = JsonSerializer.Serialize(JobResponse.From(finalState), JobResponse.JsonOptions),
                Sequence = finalState.Sequence,
                NextAttemptAt = time.GetUtcNow(),
                TraceParent = finalState.Spec.TraceParent,
                TraceState = finalState.Spec.TraceState,
                CorrelationId = finalState.Spec.CorrelationId,
            };
            await store.WriteStateAsync();
        }
        finally
        {
            _gate.Release();
        }
        Arm();
    }

    async Task IJobCallbackGrain.Forget()
    {
        await _gate.WaitAsync();
        try
        {
            _timer?.Dispose();
            if (!store.RecordExists) return;
            if (Callback.Status == CallbackStatus.Pending) await ForgetReminderAsync();
            await store.ClearStateAsync(); // the default storage deletes the row (DeleteStateOnClear)
        }
        finally
        {
            _gate.Release();
        }
        DeactivateOnIdle();
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName) return;
        if (Callback.Status == CallbackStatus.Pending)
        {
            Arm(); // on a fresh activation already armed; after a missed or failed timer, armed again
            return;
        }
        await _gate.WaitAsync();
        try
        {
            await ForgetReminderAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sets the timer for the next delivery of a pending callback, unless one is being sent now (it re-arms when done).</summary>
    private void Arm()
    {
        if (_sending || Callback.Status != CallbackStatus.Pending) return;
        _timer?.Dispose();
        var wait = (Callback.NextAttemptAt ?? time.GetUtcNow()) - time.GetUtcNow();
        _timer = this.RegisterGrainTimer(SendDueAsync, new GrainTimerCreationOptions(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            KeepAlive = true,
        });
    }

    private async Task SendDueAsync(CancellationToken _)
    {
        if (Callback.Status != CallbackStatus.Pending || _sending) return;
        if (Callback.NextAttemptAt > time.GetUtcNow())
        {
            Arm(); // timers may fire a little early
            return;
        }
        _sending = true;
        try
        {
            var (sequence, attempt) = (Callback.Sequence, Callback.Attempts + 1);
            DeliveryResult result;
            try
            {
                result = await SendAsync(Callback.Url!, Callback.Body!, attempt);
            }
            catch (Exception ex)
            {
                // Unforeseen, so counted as a failed delivery: retried, but not forever.
                logger.LogError(ex, "Delivery {Attempt} of the callback of job {JobId} failed unexpectedly", attempt, this.GetPrimaryKeyString());
                result = DeliveryResult.Failure($"Delivery failed: {ex.Message}", retryable: true);
            }
            await RecordAsync(sequence, attempt, result);
        }
        finally
        {
            _sending = false;
        }
        Arm();
    }

    private async Task<DeliveryResult> SendAsync(string url, string body, int attempt)
    {
        // Submit checks both, but a spec may also come from elsewhere (a grain client), and the allow-list may have changed since.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("http" or "https"))
            return DeliveryResult.Failure($"'{url}' is not an absolute http or https URL.", retryable: false);
        if (!hosts.CurrentValue.Allows(target))
            return DeliveryResult.Failure($"Host '{target.Authority}' is not allowed for callbacks: add it to {HttpJobOptions.SectionName}:AllowedHosts.", retryable: false);

        var settings = options.CurrentValue;
        // A span in the job's trace, current while the request goes out, so the receiver's trace continues it.
        using var span = JobTelemetry.Source.HasListeners()
            ? JobTelemetry.Source.StartActivity(ActivityKind.Client, JobTelemetry.ParentOf(Callback.TraceParent, Callback.TraceState), name: "job.callback")
            : null;
        span?.SetTag("job.id", this.GetPrimaryKeyString());
        span?.SetTag("job.callback.attempt", attempt);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, MediaTypeNames.Application.Json) };
        if (Callback.CorrelationId is { } correlationId) request.Headers.TryAddWithoutValidation(HttpJobHandler.CorrelationHeader, correlationId);
        request.Headers.TryAddWithoutValidation(JobIdHeader, this.GetPrimaryKeyString());
        request.Headers.TryAddWithoutValidation(AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture));
        if (settings.ActiveSecrets is { Count: > 0 } secrets)
            request.Headers.TryAddWithoutValidation(CallbackSignature.HeaderName, CallbackSignature.Create(secrets, time.GetUtcNow(), body));

        using var timeout = new CancellationTokenSource(settings.Timeout, time);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            span?.SetTag("http.response.status_code", (int)response.StatusCode);
            if (!response.IsSuccessStatusCode) span?.SetStatus(ActivityStatusCode.Error);
            return response.IsSuccessStatusCode
                ? DeliveryResult.Success
                : DeliveryResult.Failure($"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}.", OutboundHttp.IsTransient(response.StatusCode));
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return DeliveryResult.Failure($"{url} did not answer within {settings.Timeout}.", retryable: true);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return DeliveryResult.Failure($"{url} could not be reached: {e.Message}", retryable: true);
        }
    }

    private async Task RecordAsync(long sequence, int attempt, DeliveryResult result)
    {
        await _gate.WaitAsync();
        try
        {
            // A later ending of the job replaced this one while it was being sent: that one has deliveries of its own.
            if (Callback.Status != CallbackStatus.Pending || Callback.Sequence != sequence) return;
            var settings = options.CurrentValue;
            CallbackDeliveryPolicy.Record(Callback, attempt, result, settings.MaxAttempts, settings.Backoff, time.GetUtcNow(), Random.Shared);
            try
            {
                await store.WriteStateAsync();
            }
            catch (Exception ex)
            {
                // Memory is now ahead of storage: start again from what is stored (at worst, one more delivery).
                logger.LogError(ex, "Could not record delivery {Attempt} of the callback of job {JobId}; reloading it", attempt, this.GetPrimaryKeyString());
                DeactivateOnIdle();
                return;
            }
            switch (Callback.Status)
            {
                case CallbackStatus.Pending:
                    logger.LogWarning("Callback of job {JobId}: delivery {Attempt} failed ({Error}); retrying at {NextAttemptAt}",
                        this.GetPrimaryKeyString(), attempt, result.Error, Callback.NextAttemptAt);
                    return;
                case CallbackStatus.Delivered:
                    logger.LogInformation("Callback of job {JobId} delivered to {Url} (delivery {Attempt})", this.GetPrimaryKeyString(), Callback.Url, attempt);
                    break;
                default:
                    logger.LogError("Callback of job {JobId} to {Url} given up after {Attempts} deliveries: {Error}",
                        this.GetPrimaryKeyString(), Callback.Url, attempt, result.Error);
                    break;
            }
            await ForgetReminderAsync();
        }
        finally
        {
            _gate.Release();
        }
        // No DeactivateOnIdle here: a later ending's Deliver may be waiting on the gate, and an activation asked to go
        // would drop the timer it arms (its delivery would then wait for the reminder). Settled callback grains are
        // collected after two idle minutes instead (CollectionAgeLimit; it must exceed the one-minute collection quantum).
    }

    /// <summary>Unregisters the backstop of a settled callback; if that fails, its next tick tries again.</summary>
    private async Task ForgetReminderAsync()
    {
        try
        {
            if (await this.GetReminder(ReminderName) is { } reminder) await this.UnregisterReminder(reminder);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not unregister the callback reminder of job {JobId}", this.GetPrimaryKeyString());
        }
    }
}
