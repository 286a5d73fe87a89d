using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansJobs.Handlers;

namespace OrleansJobs.Jobs;

/// <summary>
/// The silo's side of running handlers: it runs each attempt on the thread pool (so neither CPU-bound
/// handlers nor blocking ones stall the grain scheduler) in a DI scope of its own, and keeps the set of
/// attempts running here so that a shutdown can drain or interrupt them. It also caps the handlers running here at once
/// (<see cref="ExecutionOptions"/>): an attempt takes a slot before it starts and gives it back when it ends.
/// </summary>
public sealed class JobRunner(IServiceScopeFactory scopes, ILoggerFactory loggers, IOptions<ExecutionOptions> execution)
{
    private readonly ConcurrentDictionary<string, Action> _running = new();
    private readonly ConcurrencyLimiter _handlerSlots = Slots(execution.Value.MaxConcurrentHandlers);
    private readonly ConcurrencyLimiter _cpuSlots = Slots(execution.Value.MaxConcurrentCpuBound);
    private readonly HashSet<string> _cpuBound = new(execution.Value.CpuBoundTypes, StringComparer.Ordinal);

    /// <summary>True once the silo is shutting down: no new attempt starts here.</summary>
    public bool Draining { get; private set; }

    public int RunningCount => _running.Count;

    /// <summary>Attempts on this silo waiting for a handler slot (their jobs are Queued): part of the backlog the API sheds load on.</summary>
    public long WaitingForSlot => (_handlerSlots.GetStatistics()?.CurrentQueuedCount ?? 0) + (_cpuSlots.GetStatistics()?.CurrentQueuedCount ?? 0);

    /// <summary>
    /// Waits for a slot to run a handler of <paramref name="type"/> here (a CPU-bound type needs a CPU slot first, then a
    /// handler slot); dispose the result when the attempt ends. Null when <paramref name="cancellationToken"/> stops the
    /// wait or the silo began draining meanwhile: the job stays Queued.
    /// </summary>
    public async Task<IDisposable?> AcquireSlotAsync(string type, CancellationToken cancellationToken)
    {
        var leases = new List<RateLimitLease>(2);
        try
        {
            if (_cpuBound.Contains(type)) leases.Add(await _cpuSlots.AcquireAsync(1, cancellationToken));
            leases.Add(await _handlerSlots.AcquireAsync(1, cancellationToken));
        }
        catch (OperationCanceledException)
        {
            leases.ForEach(l => l.Dispose());
            return null;
        }
        if (Draining)
        {
            leases.ForEach(l => l.Dispose());
            return null;
        }
        return new Leases(leases);
    }

    /// <summary>
    /// A slot to run a handler of <paramref name="type"/> here if one is free now, with nobody waiting before it; null
    /// otherwise (or while draining). Dispose it when the attempt ends.
    /// </summary>
    public IDisposable? TryAcquireSlot(string type)
    {
        if (Draining) return null;
        var leases = new List<RateLimitLease>(2);
        if (_cpuBound.Contains(type)) leases.Add(_cpuSlots.AttemptAcquire(1));
        leases.Add(_handlerSlots.AttemptAcquire(1));
        if (leases.TrueForAll(l => l.IsAcquired)) return new Leases(leases);
        leases.ForEach(l => l.Dispose());
        return null;
    }

    public void BeginDrain() => Draining = true;

    /// <summary>Registers a running attempt with the callback that interrupts it; dispose when it ends.</summary>
    public IDisposable Track(string jobId, Action interrupt)
    {
        _running[jobId] = interrupt;
        return new Untrack(_running, jobId);
    }

    public void InterruptAll()
    {
        foreach (var interrupt in _running.Values) interrupt();
    }

    public async Task<bool> WaitForIdleAsync(TimeSpan timeout, TimeProvider time)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (!_running.IsEmpty)
        {
            if (time.GetUtcNow() >= deadline) return false;
            await Task.Delay(TimeSpan.FromMilliseconds(50), time);
        }
        return true;
    }

    public Task<JsonNode?> ExecuteAsync(JobState job, IJobProgressReporter progress, CancellationToken cancellationToken)
    {
        var spec = job.Spec!;
        var attempt = job.Attempt;
        return Task.Run(async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetKeyedService<IJobHandler>(spec.Type)
                ?? throw new JobFailedException($"No handler is registered for job type '{spec.Type}' on this silo.", retryable: false);
            // The attempt's log scope (job id, attempt, trace and correlation ids) flows in from the job grain.
            var logger = loggers.CreateLogger("OrleansJobs.Handlers." + spec.Type);
            return await handler.ExecuteAsync(new JobContext
            {
                JobId = job.Id,
                Type = spec.Type,
                PayloadJson = spec.Payload,
                Attempt = attempt,
                MaxAttempts = spec.MaxAttempts,
                CorrelationId = spec.CorrelationId,
                Tags = spec.Tags ?? new Dictionary<string, string>(),
                Progress = progress,
                Logger = logger,
                Services = scope.ServiceProvider,
                CancellationToken = cancellationToken,
            });
        });
    }

    /// <summary>Queued waits are unbounded: a job waiting for a slot must never be refused, only delayed.</summary>
    private static ConcurrencyLimiter Slots(int permits) =>
        new(new ConcurrencyLimiterOptions { PermitLimit = permits, QueueLimit = int.MaxValue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst });

    private sealed class Leases(List<RateLimitLease> leases) : IDisposable
    {
        public void Dispose() => leases.ForEach(l => l.Dispose());
    }

    private sealed class Untrack(ConcurrentDictionary<string, Action> running, string jobId) : IDisposable
    {
        public void Dispose() => running.TryRemove(jobId, out _);
    }
}
