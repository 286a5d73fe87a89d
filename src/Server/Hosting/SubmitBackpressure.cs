using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Api;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// The ASP.NET Core rate-limiting policy of the submit endpoints (<see cref="BackpressureOptions"/>): a concurrency
/// limiter without a queue bounds the submissions in flight, and while too many jobs wait for a handler slot
/// (<see cref="JobRunner.WaitingForSlot"/>) every submission goes to a partition that admits none. Refusals are 429
/// problem details with <c>Retry-After</c>.
/// </summary>
public sealed class SubmitBackpressure(JobRunner runner, IOptions<BackpressureOptions> options) : IRateLimiterPolicy<string>
{
    public const string PolicyName = "submit-backpressure";

    private const string Saturated = "saturated";
    private const string InFlight = "in-flight";

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var settings = options.Value;
        return IsSaturated(runner, settings)
            ? RateLimitPartition.Get(Saturated, _ => new RefuseAllLimiter())
            : RateLimitPartition.GetConcurrencyLimiter(InFlight, _ => InFlightLimits(settings));
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, _) =>
        await Refusal(runner, options.Value).ExecuteAsync(context.HttpContext);

    /// <summary>Whether so many jobs on this silo wait for a handler slot that every submission is refused.</summary>
    internal static bool IsSaturated(JobRunner runner, BackpressureOptions settings) => runner.WaitingForSlot >= settings.MaxWaitingJobs;

    /// <summary>The limits of submissions in flight: <see cref="BackpressureOptions.MaxConcurrentSubmits"/> at once, none waiting for a turn.</summary>
    internal static ConcurrencyLimiterOptions InFlightLimits(BackpressureOptions settings) =>
        new() { PermitLimit = settings.MaxConcurrentSubmits, QueueLimit = 0 };

    /// <summary>The answer to a refused submission: 429 problem details saying which limit it hit, with <c>Retry-After</c>.</summary>
    internal static IResult Refusal(JobRunner runner, BackpressureOptions settings)
    {
        var detail = IsSaturated(runner, settings)
            ? $"{runner.WaitingForSlot} jobs on this silo are waiting for a handler slot (limit {settings.MaxWaitingJobs}, OrleansJobs:Backpressure:MaxWaitingJobs); retry later."
            : $"This silo is handling {settings.MaxConcurrentSubmits} submissions already (OrleansJobs:Backpressure:MaxConcurrentSubmits); retry later.";
        return new RetryAfterResult(settings.RetryAfter,
            TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests"));
    }

    /// <summary>The limiter of a saturated silo: it grants nothing until the policy picks the other partition again.</summary>
    private sealed class RefuseAllLimiter : RateLimiter
    {
        public override TimeSpan? IdleDuration => TimeSpan.Zero;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => Refused.Instance;

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) => new(Refused.Instance);
    }

    private sealed class Refused : RateLimitLease
    {
        public static readonly Refused Instance = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
