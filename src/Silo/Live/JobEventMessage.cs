using OrleansJobs.Jobs;

namespace OrleansJobs.Silo.Live;

/// <summary>What the hub's <c>JobEvent</c> call and the SSE stream carry (the README's "Watching jobs live" shows its fields).</summary>
/// <param name="Kind"><c>status</c> or <c>progress</c>.</param>
/// <param name="Status">The job's status, named as in the HTTP API (<c>Running</c>, <c>Succeeded</c>…).</param>
public sealed record JobEventMessage(string JobId, long Sequence, string Kind, string Status, double? Percent, string? Message, DateTimeOffset At)
{
    public static JobEventMessage From(JobEvent e) =>
        new(e.JobId, e.Sequence, e.Kind == JobEventKind.Progress ? "progress" : "status", e.Status.ToString(), e.Percent, e.Message, e.At);
}
