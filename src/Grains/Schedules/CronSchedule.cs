using Cronos;

namespace OrleansJobs.Schedules;

/// <summary>
/// A cron expression read in a time zone, with Cronos doing the occurrence math: 5 fields, or 6 with seconds first;
/// in a daylight-saving gap an occurrence moves to the first valid time after it, and in an overlap a fixed-time
/// occurrence fires once (in the first of the two hours) while an interval one fires in both, as Cronos defines.
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(CronExpression expression, TimeZoneInfo zone) => (_expression, Zone) = (expression, zone);

    public TimeZoneInfo Zone { get; }

    /// <summary>Reads a definition's cron and time zone; <paramref name="error"/> says which is wrong and why.</summary>
    public static bool TryCreate(string cron, string timeZone, out CronSchedule? schedule, out string? error, out string? field)
    {
        (schedule, error, field) = (null, null, null);
        var text = cron.Trim();
        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (!text.StartsWith('@') && fields is not (5 or 6))
        {
            (error, field) = ($"'{cron}' has {fields} fields; a cron expression has 5 (minute hour day month weekday) or 6 (seconds first).", "cron");
            return false;
        }
        if (!CronExpression.TryParse(text, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard, out var expression))
        {
            (error, field) = ($"'{cron}' is not a valid cron expression.", "cron");
            return false;
        }
        TimeZoneInfo zone;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            (error, field) = ($"'{timeZone}' is not a known time zone; use an IANA name such as 'Europe/Berlin' or 'UTC'.", "timeZone");
            return false;
        }
        var created = new CronSchedule(expression, zone);
        if (created.Next(DateTimeOffset.UtcNow) is null)
        {
            (error, field) = ($"'{cron}' never fires.", "cron");
            return false;
        }
        schedule = created;
        return true;
    }

    public static CronSchedule Create(string cron, string timeZone) =>
        TryCreate(cron, timeZone, out var schedule, out var error, out _) ? schedule! : throw new ArgumentException(error);

    /// <summary>The first occurrence strictly after <paramref name="after"/>, or null if there is none.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => _expression.GetNextOccurrence(after, Zone);

    public IReadOnlyList<DateTimeOffset> Next(DateTimeOffset after, int count)
    {
        var occurrences = new List<DateTimeOffset>(count);
        for (var at = Next(after); at is { } occurrence && occurrences.Count < count; at = Next(occurrence))
            occurrences.Add(occurrence);
        return occurrences;
    }

    /// <summary>
    /// The shortest time between two of the <paramref name="occurrences"/> occurrences after <paramref name="after"/>;
    /// null when fewer than two come. Over a thousand occurrences this finds the gap of every expression that repeats
    /// within them (every pattern of seconds, minutes, hours or days); a rarer burst can hide beyond them.
    /// </summary>
    public TimeSpan? ShortestGap(DateTimeOffset after, int occurrences = 1000)
    {
        TimeSpan? shortest = null;
        DateTimeOffset? previous = null;
        foreach (var occurrence in Next(after, occurrences))
        {
            if (previous is { } before && (shortest is null || occurrence - before < shortest)) shortest = occurrence - before;
            previous = occurrence;
        }
        return shortest;
    }

    /// <summary>How many occurrences fall in (<paramref name="after"/>, <paramref name="upTo"/>], and the latest of them.</summary>
    public (int Count, DateTimeOffset? Latest) Due(DateTimeOffset after, DateTimeOffset upTo)
    {
        var (count, latest) = (0, (DateTimeOffset?)null);
        foreach (var occurrence in _expression.GetOccurrences(after, upTo, Zone, fromInclusive: false, toInclusive: true))
            (count, latest) = (count + 1, occurrence);
        return (count, latest);
    }
}
