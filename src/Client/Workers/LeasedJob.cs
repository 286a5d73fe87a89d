using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace OrleansJobs.Client;

/// <summary>
/// One job leased to a .NET worker: runs its handler while heartbeats keep the lease alive, stops the handler when the
/// service asks (a cancel or a timeout) or the lease is lost, and reports the outcome: complete with the result, or fail
/// (retryable unless the handler threw <see cref="NonRetryableJobException"/> or the job was cancelled).
/// </summary>
internal sealed partial class LeasedJob(OrleansJobsClient client, JobLease lease, OrleansJobsWorkerOptions options, TimeProvider time, ILogger logger)
    : IWorkerJobContext
{
    private const int MaxErrorLength = 4000;
    private const int ReportAttempts = 3;

    private readonly CancellationTokenSource _stop = new();
    private int _reason;

    private enum StopReason { None, Cancelled, LeaseLost, WorkerStopped }

    public bool StopRequested => _stop.IsCancellationRequested;

    public async Task ReportProgressAsync(double percent, string? message = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        if (message is { Length: > MaxErrorLength }) message = message[..MaxErrorLength];
        await BeatAsync(percent, message, extend: null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the job to its reported end; never throws (every outcome is reported to the service or logged).</summary>
    public async Task RunAsync(WorkerJobHandler? handler, CancellationToken abort)
    {
        using var stop = _stop;
        using var onAbort = abort.Register(() => Stop(StopReason.WorkerStopped));
        using var beats = new CancellationTokenSource();
        var heartbeats = HeartbeatsAsync(beats.Token);
        using var span = StartSpan();
        JsonElement? result = null;
        Exception? failure = null;
        try
        {
            if (handler is null) throw new NonRetryableJobException($"This worker has no handler for job type '{lease.Type}'.");
            result = client.SerializeResult(await handler(lease, this, stop.Token).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            failure = ex;
            span?.AddException(ex);
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
        }
        finally
        {
            await beats.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(false);
        }
        await ReportAsync(result, failure).ConfigureAwait(false);
    }

    private async Task ReportAsync(JsonElement? result, Exception? failure)
    {
        if ((StopReason)_reason == StopReason.LeaseLost)
        {
            LogLeaseLost(lease.Id);
            return;
        }
        if (failure is null)
        {
            if (await SendAsync(ct => client.CompleteAsync(lease, result, ct)) is { } refused)
                await SendAsync(ct => client.FailAsync(lease, Truncate($"The service refused the result: {refused.Message}"), retryable: false, ct));
            else LogCompleted(lease.Id);
            return;
        }
        var (error, retryable) = (failure, (StopReason)_reason) switch
        {
            (OperationCanceledException, StopReason.Cancelled) => ("The job was cancelled.", false),
            (OperationCanceledException, StopReason.WorkerStopped) => ("The worker stopped before the job finished.", true),
            (NonRetryableJobException nonRetryable, _) => (nonRetryable.Message, false),
            _ => ($"{failure.GetType().Name}: {failure.Message}", true),
        };
        LogFailed(failure, lease.Id, retryable);
        await SendAsync(ct => client.FailAsync(lease, Truncate(error), retryable, ct));
    }

    /// <summary>
    /// Sends a complete or fail, asking again after a transient error while the lease may hold. Returns the service's
    /// refusal of the request itself (such as a result too large), null when it was sent or there is nothing more to do.
    /// </summary>
    private async Task<OrleansJobsException?> SendAsync(Func<CancellationToken, Task> send)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await send(CancellationToken.None).ConfigureAwait(false);
                return null;
            }
            catch (Exception ex) when (ex is JobConflictException or JobNotFoundException)
            {
                LogLeaseLost(lease.Id);
                return null;
            }
            catch (JobValidationException refused)
            {
                return refused;
            }
            catch (Exception ex) when (TransientErrors.Is(ex) && attempt < ReportAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), time).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogReportFailed(ex, lease.Id);
                return null;
            }
        }
    }

    private async Task HeartbeatsAsync(CancellationToken done)
    {
        var interval = options.EffectiveHeartbeatInterval;
        while (!done.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, done).ConfigureAwait(false);
                await BeatAsync(percent: null, message: null, options.LeaseDuration, done).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One heartbeat; its answer may stop the handler. A transient failure is logged: the next one may get through before the lease runs out.</summary>
    private async Task BeatAsync(double? percent, string? message, TimeSpan? extend, CancellationToken cancellationToken)
    {
        try
        {
            var beat = await client.HeartbeatAsync(lease, percent, message, extend, cancellationToken).ConfigureAwait(false);
            if (beat.CancelRequested) Stop(StopReason.Cancelled);
        }
        catch (Exception ex) when (ex is JobConflictException or JobNotFoundException)
        {
            Stop(StopReason.LeaseLost);
        }
        catch (Exception ex) when (TransientErrors.Is(ex) && !cancellationToken.IsCancellationRequested)
        {
            LogHeartbeatFailed(ex, lease.Id);
        }
    }

    private void Stop(StopReason reason)
    {
        // The first reason wins: the heartbeats and the worker's stop may both get here.
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) != (int)StopReason.None) return;
        if (reason == StopReason.Cancelled) LogCancelRequested(lease.Id);
        _stop.Cancel();
    }

    /// <summary>The attempt's span, a child of the job's trace when the lease carries one.</summary>
    private Activity? StartSpan()
    {
        ActivityContext.TryParse(lease.Traceparent, traceState: null, out var parent);
        var span = OrleansJobsClient.Source.StartActivity("orleansjobs.work", ActivityKind.Consumer, parent);
        span?.SetTag("job.id", lease.Id);
        span?.SetTag("job.type", lease.Type);
        span?.SetTag("job.attempt", lease.Attempt);
        return span;
    }

    private static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} completed")]
    private partial void LogCompleted(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed (retryable: {Retryable})")]
    private partial void LogFailed(Exception exception, string jobId, bool retryable);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId}: cancel requested")]
    private partial void LogCancelRequested(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the lease was lost (it expired and the job moved on); its outcome is not reported")]
    private partial void LogLeaseLost(string jobId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat of job {JobId} failed; the next one tries again")]
    private partial void LogHeartbeatFailed(Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not report the outcome of job {JobId}; its lease runs out and the job is retried")]
    private partial void LogReportFailed(Exception exception, string jobId);
}
