namespace OrleansJobs.Queues;

/// <summary>
/// Which waiting job starts next: the highest effective priority, then the earliest submitted, then the lowest id.
/// The effective priority is the job's priority plus one for every ageing interval it has waited since it was submitted,
/// so a low priority under a steady stream of high ones is delayed, never starved.
/// </summary>
public static class WaitingOrder
{
    public static long EffectivePriority(QueueTicket ticket, DateTimeOffset now, TimeSpan ageingInterval)
    {
        var waited = now - ticket.EnqueuedAt;
        return ticket.Priority + (waited <= TimeSpan.Zero ? 0 : waited.Ticks / ageingInterval.Ticks);
    }

    /// <summary>The <paramref name="waiters"/> best first: the order in which <see cref="Best"/> would pick them one by one.</summary>
    public static IEnumerable<QueueTicket> InOrder(IEnumerable<QueueTicket> waiters, DateTimeOffset now, TimeSpan ageingInterval) =>
        waiters.OrderByDescending(ticket => EffectivePriority(ticket, now, ageingInterval))
            .ThenBy(ticket => ticket.EnqueuedAt)
            .ThenBy(ticket => ticket.JobId, StringComparer.Ordinal);

    /// <summary>The best of the <paramref name="waiters"/> that <paramref name="eligible"/> accepts, or null.</summary>
    public static QueueTicket? Best(IEnumerable<QueueTicket> waiters, DateTimeOffset now, TimeSpan ageingInterval, Func<QueueTicket, bool> eligible)
    {
        QueueTicket? best = null;
        var bestPriority = long.MinValue;
        foreach (var ticket in waiters)
        {
            if (!eligible(ticket)) continue;
            var priority = EffectivePriority(ticket, now, ageingInterval);
            if (best is null || priority > bestPriority
                || priority == bestPriority && (ticket.EnqueuedAt < best.EnqueuedAt
                                                || ticket.EnqueuedAt == best.EnqueuedAt && string.CompareOrdinal(ticket.JobId, best.JobId) < 0))
            {
                best = ticket;
                bestPriority = priority;
            }
        }

        return best;
    }
}
