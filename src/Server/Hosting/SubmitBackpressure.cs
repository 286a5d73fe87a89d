using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansJobs.Jobs;

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
        return runner.WaitingForSlot >= settings.MaxWaitingJobs
            ? RateLimitPartition.Get(Saturated, _ => new RefuseAllLimiter())
            : RateLimitPartition.GetConcurrencyLimiter(InFlight, _ => new ConcurrencyLimiterOptions { PermitLimit = settings.MaxConcurrentSubmits, QueueLimit = 0 });
    }

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, cancellationToken) =>
    {
        var settings = options.Value;
        var http = context.HttpContext;
        var detail = runner.WaitingForSlot >= settings.MaxWaitingJobs
            ? $"{runner.WaitingForSlot} jobs on this silo are waiting for a handler slot (limit {settings.MaxWaitingJobs}, OrleansJobs:Backpressure:MaxWaitingJobs); retry later."
            : $"This silo is handling {settings.MaxConcurrentSubmits} submissions already (OrleansJobs:Backpressure:MaxConcurrentSubmits); retry later.";
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(settings.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    };

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
