using OrleansJobs.Storage;

namespace OrleansJobs.Api;

/// <summary>
/// <c>GET /api/stats/timeline</c>: the last minutes in equal buckets, oldest first, each with its rates and start delay
/// (<see cref="TimelinePointResponse"/>). Computed from the job table, so it covers the whole cluster.
/// </summary>
public sealed record TimelineResponse(DateTimeOffset From, DateTimeOffset To, double BucketSeconds, IReadOnlyList<TimelinePointResponse> Points)
{
    public static TimelineResponse Of(JobTimeline timeline)
    {
        var seconds = timeline.Bucket.TotalSeconds;
        return new TimelineResponse(timeline.From, timeline.From + timeline.Bucket * timeline.Buckets.Count, seconds, [.. timeline.Buckets.Select(b =>
            new TimelinePointResponse(b.Start, b.Created, b.Ended, b.Created / seconds, b.Ended / seconds, b.StartDelayP99Ms, b.DelaySamples))]);
    }
}
