using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using OrleansJobs.Storage;

namespace OrleansJobs.Queues;

/// <summary>
/// Hands out the slots of one limited or paused queue, cluster-wide. In memory only: who holds a slot and who waits.
/// The job table is the truth, so on activation the grain rebuilds both from it (Running jobs of live silos hold slots,
/// Queued jobs wait), and while it has work it checks its holders every <see cref="QueueOptions.CheckInterval"/>:
/// holders on dead silos, and holders the table no longer shows Running (a release that never arrived), give their
/// slots back. Waiters are granted best first (see <see cref="WaitingOrder"/>); a granted waiter is woken through
/// <see cref="IJobGrain.Wake"/> and asks again, which is then granted at once.
/// </summary>
[GrainType("queue")]
public sealed class QueueGrain(
    IJobStore jobs,
    IClusterMembershipService membership,
    TimeProvider time,
    IOptions<QueueOptions> options,
    ILogger<QueueGrain> logger) : Grain, IQueueGrain
{
    /// <summary>Most rows read per rebuild; waiters beyond it come back as the sweeper wakes their quiet jobs.</summary>
    private const int RebuildLimit = 10_000;

    private readonly Dictionary<string, Holder> _holders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueueTicket> _waiters = new(StringComparer.Ordinal);
    private QueueSettings _settings = QueueSettings.Unlimited;
    private TokenBucketRateLimiter? _tokens;
    private IGrainTimer? _tokenTimer;
    /// <summary>When the bucket last gained tokens, or last stopped being full: the next refill is a whole period after it.</summary>
    private long _refilledAt;

    private string Name => this.GetPrimaryKeyString();

    /// <summary>A job holding a slot: where it runs, and since when it may hold it without being Running in the table.</summary>
    private sealed record Holder(QueueTicket Ticket, DateTimeOffset GrantedAt);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await RefreshSettingsAsync();
        var now = time.GetUtcNow();
        var live = LiveSilos();
        foreach (var running in await jobs.FindQueueMembersAsync(Name, JobStatus.Running, RebuildLimit, cancellationToken))
            if (live.Contains(running.Owner)) _holders[running.JobId] = new Holder(TicketOf(running), now - options.Value.GrantGrace);
        foreach (var queued in await jobs.FindQueueMembersAsync(Name, JobStatus.Queued, RebuildLimit, cancellationToken))
            _waiters[queued.JobId] = TicketOf(queued);
        if (_holders.Count + _waiters.Count > 0)
            logger.LogInformation("Queue {Queue} rebuilt from the job table: {Holding} holding a slot, {Waiting} waiting", Name, _holders.Count, _waiters.Count);
        var check = options.Value.CheckInterval;
        this.RegisterGrainTimer(CheckAsync, new GrainTimerCreationOptions(check, check) { KeepAlive = true });
        Grant();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _tokens?.Dispose();
        return Task.CompletedTask;
    }

    Task<bool> IQueueGrain.Acquire(QueueTicket ticket)
    {
        if (_holders.TryGetValue(ticket.JobId, out var holder))
        {
            _holders[ticket.JobId] = holder with { Ticket = ticket };
            return Task.FromResult(true);
        }

        _waiters[ticket.JobId] = ticket;
        Grant(caller: ticket.JobId);
        return Task.FromResult(_holders.ContainsKey(ticket.JobId));
    }

    Task IQueueGrain.Release(string jobId)
    {
        _waiters.Remove(jobId);
        if (_holders.Remove(jobId)) Grant();
        return Task.CompletedTask;
    }

    Task IQueueGrain.Apply(QueueSettings settings)
    {
        Use(settings);
        Grant();
        return Task.CompletedTask;
    }

    Task<QueueRuntime> IQueueGrain.GetRuntime() => Task.FromResult(new QueueRuntime(_settings, _holders.Count, _waiters.Count));

    /// <summary>Grants slots to the best waiters while there is room; wakes each (but the caller, who learns it from its answer).</summary>
    private void Grant(string? caller = null)
    {
        if (_settings.Paused || _waiters.Count == 0) return;
        var now = time.GetUtcNow();
        var perKey = _settings.MaxConcurrencyPerKey is null ? null : HoldersPerKey();
        while (_waiters.Count > 0 && (_settings.MaxConcurrency is not { } max || _holders.Count < max))
        {
            var best = WaitingOrder.Best(_waiters.Values, now, options.Value.AgeingInterval,
                ticket => perKey is null || ticket.ConcurrencyKey is not { } key || perKey.GetValueOrDefault(key) < _settings.MaxConcurrencyPerKey);
            if (best is null) return;
            if (_tokens is not null)
            {
                // A full bucket does not fill further: time towards the next token counts from when it stops being full.
                var wasFull = _tokens.GetStatistics()?.CurrentAvailablePermits >= TokenLimit(_settings);
                using var lease = _tokens.AttemptAcquire();
                if (!lease.IsAcquired)
                {
                    ArmTokenTimer();
                    return;
                }
                if (wasFull) _refilledAt = time.GetTimestamp();
            }

            _waiters.Remove(best.JobId);
            _holders[best.JobId] = new Holder(best, now);
            if (perKey is not null && best.ConcurrencyKey is { } granted) perKey[granted] = perKey.GetValueOrDefault(granted) + 1;
            if (best.JobId != caller) _ = WakeAsync(best.JobId);
        }
    }

    private Dictionary<string, int> HoldersPerKey()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var holder in _holders.Values)
            if (holder.Ticket.ConcurrencyKey is { } key) counts[key] = counts.GetValueOrDefault(key) + 1;
        return counts;
    }

    /// <summary>Not awaited by <see cref="Grant"/>: the woken job calls <see cref="IQueueGrain.Acquire"/> back while it wakes.</summary>
    private async Task WakeAsync(string jobId)
    {
        try
        {
            await GrainFactory.GetGrain<IJobGrain>(jobId).Wake();
        }
        catch (Exception ex)
        {
            // The job asks again when the sweeper next wakes it (or the table shows it Running, and the check keeps its slot).
            logger.LogWarning(ex, "Queue {Queue} could not wake job {JobId} for its slot; the slot goes to the next one", Name, jobId);
            if (_holders.Remove(jobId)) Grant();
        }
    }

    /// <summary>
    /// Refills the bucket one period after its last refill, never sooner (a timer may fire a little early, and a refill per
    /// early tick would run the queue faster than its rate), then grants what the new tokens allow.
    /// </summary>
    private void ArmTokenTimer()
    {
        if (_tokenTimer is not null || _tokens is null) return;
        var wait = _tokens.ReplenishmentPeriod - time.GetElapsedTime(_refilledAt);
        _tokenTimer = this.RegisterGrainTimer(_ =>
        {
            _tokenTimer?.Dispose();
            _tokenTimer = null;
            if (_tokens is null) return Task.CompletedTask;
            if (time.GetElapsedTime(_refilledAt) < _tokens.ReplenishmentPeriod)
            {
                ArmTokenTimer();
                return Task.CompletedTask;
            }
            _tokens.TryReplenish();
            _refilledAt = time.GetTimestamp();
            Grant();
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
    }

    /// <summary>
    /// Gives back the slots of holders on dead silos and of holders the job table no longer shows Running (past the grace
    /// a fresh grant gets to be written as Running), counts Running jobs that hold no slot here (started before the queue
    /// was limited, or before this activation), and rereads the settings in case a change did not reach this grain.
    /// </summary>
    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_holders.Count == 0 && _waiters.Count == 0)
        {
            DeactivateOnIdle(); // nothing to remember: the next activation rebuilds from the table
            return;
        }

        try
        {
            await RefreshSettingsAsync();
            var live = LiveSilos();
            var now = time.GetUtcNow();
            var running = (await jobs.FindQueueMembersAsync(Name, JobStatus.Running, RebuildLimit, cancellationToken))
                .Where(member => live.Contains(member.Owner))
                .ToDictionary(member => member.JobId, StringComparer.Ordinal);
            // Running rows of dead silos are left out above, so their holders go too.
            var gone = _holders
                .Where(h => !running.ContainsKey(h.Key) && now - h.Value.GrantedAt > options.Value.GrantGrace)
                .Select(h => h.Key)
                .ToList();
            foreach (var jobId in gone) _holders.Remove(jobId);
            foreach (var (jobId, member) in running)
            {
                if (_holders.ContainsKey(jobId)) continue;
                _waiters.Remove(jobId);
                _holders[jobId] = new Holder(TicketOf(member), now - options.Value.GrantGrace);
            }

            if (gone.Count > 0) logger.LogInformation("Queue {Queue} took back {Count} slots of jobs no longer running on a live silo", Name, gone.Count);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Queue {Queue} could not check its slots; the next check tries again", Name);
        }

        Grant();
    }

    private async Task RefreshSettingsAsync()
    {
        var all = await GrainFactory.GetGrain<IQueueDirectoryGrain>(0).GetAll();
        Use(all.GetValueOrDefault(Name, QueueSettings.Unlimited));
    }

    private void Use(QueueSettings settings)
    {
        var rateChanged = settings.RatePerSecond != _settings.RatePerSecond || settings.Burst != _settings.Burst;
        _settings = settings;
        if (!rateChanged && (_tokens is not null || settings.RatePerSecond is null)) return;
        _tokens?.Dispose();
        _tokens = settings.RatePerSecond is { } rate ? TokenBucket(rate, TokenLimit(settings)) : null;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>The bucket's size: the burst, or one second's worth of the rate.</summary>
    private static int TokenLimit(QueueSettings settings) =>
        settings.Burst ?? Math.Max(1, (int)Math.Ceiling(settings.RatePerSecond ?? 1));

    /// <summary>
    /// A bucket of <paramref name="tokenLimit"/> tokens, refilled by this grain's timer
    /// rather than a timer of its own, so that every grant happens in a grain turn. Up to 20 tokens a second come one at
    /// a time; faster rates come in small steps of 50 ms.
    /// </summary>
    private static TokenBucketRateLimiter TokenBucket(double rate, int tokenLimit)
    {
        var perPeriod = Math.Max(1, (int)Math.Ceiling(rate / 20));
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokenLimit,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(perPeriod / rate),
            QueueLimit = 0,
            AutoReplenishment = false,
        });
    }

    private HashSet<string> LiveSilos() =>
        membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status != SiloStatus.Dead)
            .Select(member => member.SiloAddress.ToParsableString())
            .ToHashSet(StringComparer.Ordinal);

    private static QueueTicket TicketOf(QueueMember member) =>
        new(member.JobId, member.Priority, member.ConcurrencyKey, member.CreatedAt, member.Owner);
}
