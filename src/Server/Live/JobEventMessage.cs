using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Live;

/// <summary>What the hub's <c>JobEvent</c> call and the SSE stream carry (the README's "Watching jobs live" shows its fields).</summary>
/// <param name="JobId">The job the event is about.</param>
/// <param name="Sequence">The event's place in the job's events; a watcher drops one it has seen.</param>
/// <param name="Kind"><c>status</c> or <c>progress</c>.</param>
/// <param name="Status">The job's status, named as in the HTTP API (<c>Running</c>, <c>Succeeded</c>…).</param>
/// <param name="Percent">Progress from 0 to 100, when the handler reported one.</param>
/// <param name="Message">The handler's progress message, if any.</param>
/// <param name="At">When the event happened.</param>
public sealed record JobEventMessage(string JobId, long Sequence, string Kind, string Status, double? Percent, string? Message, DateTimeOffset At)
{
    public static JobEventMessage From(JobEvent e) =>
        new(e.JobId, e.Sequence, e.Kind == JobEventKind.Progress ? "progress" : "status", e.Status.ToString(), e.Percent, e.Message, e.At);
}
