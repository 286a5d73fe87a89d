using System.Text.Json;
using OrleansJobs.Schedules;

namespace OrleansJobs.Api;

/// <summary>A schedule as the HTTP API shows it; <c>recentJobIds</c> are its latest jobs, newest first.</summary>
public sealed record ScheduleResponse(
    string Name,
    string Cron,
    string TimeZone,
    JsonElement Job,
    string Misfire,
    string Overlap,
    bool Paused,
    IReadOnlyList<DateTimeOffset> NextOccurrences,
    DateTimeOffset? LastOccurrence,
    DateTimeOffset? LastFiredAt,
    string? LastJobId,
    DateTimeOffset? WaitingOccurrence,
    long Fired,
    long Skipped,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Owner,
    IReadOnlyList<string> RecentJobIds)
{
    public static ScheduleResponse From(ScheduleView view)
    {
        var d = view.Definition;
        return new ScheduleResponse(view.Name, d.Cron, d.TimeZone, JsonSerializer.Deserialize<JsonElement>(d.JobJson),
            ApiName(d.Misfire), ApiName(d.Overlap), d.Paused, view.NextOccurrences,
            view.LastOccurrence, view.LastFiredAt, view.LastJobId, view.Waiting, view.Fired, view.Skipped, view.CreatedAt, view.UpdatedAt, d.Job.Owner, view.RecentJobIds);
    }

    /// <summary>A policy by the camelCase name a schedule body gives it, so that what was sent reads back the same.</summary>
    private static string ApiName<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
