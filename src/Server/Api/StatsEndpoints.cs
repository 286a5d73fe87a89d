using System.Globalization;
using OrleansJobs.Api;
using OrleansJobs.Server.Auth;
using OrleansJobs.Storage;

namespace OrleansJobs.Server.Api;

/// <summary>
/// <c>GET /api/stats/timeline?minutes=15</c>: jobs submitted and completed per second and the start delay's p99 over
/// the last minutes, for the console's charts. It reads the shared job table, so every silo answers for the whole
/// cluster; a key without <c>admin</c> gets the figures of its own jobs, as its listing holds only those.
/// </summary>
public static class StatsEndpoints
{
    public const int DefaultMinutes = 15;
    public const int MaxMinutes = 60;

    /// <summary>Every span is cut into this many buckets (30 s each over 15 minutes).</summary>
    public const int Buckets = 30;

    /// <summary>Jobs sampled per bucket for the start delay: the read stays bounded however many jobs ran.</summary>
    public const int DelaySamplesPerBucket = 200;

    public static IEndpointRouteBuilder MapStatsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/stats").WithTags("Stats").MapGet("/timeline", TimelineAsync);
        return app;
    }

    private static async Task<IResult> TimelineAsync(string? minutes, IJobStore store, TimeProvider time, JobCaller caller, CancellationToken cancellationToken)
    {
        var span = DefaultMinutes;
        if (minutes is not null && (!int.TryParse(minutes, NumberStyles.None, CultureInfo.InvariantCulture, out span) || span is < 1 or > MaxMinutes))
            return ApiProblems.Validation("minutes", $"A whole number of minutes from 1 to {MaxMinutes}.");
        var bucket = TimeSpan.FromMinutes(span) / Buckets;
        var from = time.GetUtcNow() - bucket * Buckets;
        var timeline = await store.TimelineAsync(from, bucket, Buckets, caller.ListedOwner, DelaySamplesPerBucket, cancellationToken);
        return TypedResults.Ok(TimelineResponse.Of(timeline));
    }
}
