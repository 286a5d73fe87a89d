using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrleansJobs.Jobs;
using OrleansJobs.Server.Api;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// The one gate of every way in that submits jobs (<c>POST /api/jobs</c>, batches, schedule triggers, the in-process
/// client), from <see cref="BackpressureOptions"/>: a concurrency limiter without a queue bounds the submissions in
/// flight, and while too many jobs wait for a handler slot (<see cref="JobRunner.WaitingForSlot"/>) every submission
/// is refused. Refusals are 429 problem details with <c>Retry-After</c>. A permit covers the submit only: a caller
/// who then waits for the job (<c>?wait</c>) gives it back first, so that waiters cannot hold every permit.
/// </summary>
public sealed class SubmitBackpressure(JobRunner runner, IOptions<BackpressureOptions> options) : IDisposable
{
    private readonly ConcurrencyLimiter _inFlight = new(new ConcurrencyLimiterOptions { PermitLimit = options.Value.MaxConcurrentSubmits, QueueLimit = 0 });

    /// <summary>
    /// A permit for <paramref name="submits"/> submissions in flight at once (at most the limit), or null with the 429
    /// answer in <paramref name="refusal"/>. Dispose the permit once the jobs are submitted.
    /// </summary>
    public RateLimitLease? TryAdmit(int submits, out IResult? refusal)
    {
        var settings = options.Value;
        if (!IsSaturated(settings))
        {
            var permit = _inFlight.AttemptAcquire(Math.Clamp(submits, 1, settings.MaxConcurrentSubmits));
            if (permit.IsAcquired)
            {
                refusal = null;
                return permit;
            }
            permit.Dispose();
        }
        refusal = Refusal(settings);
        return null;
    }

    /// <summary>An endpoint filter that holds one permit while the endpoint runs: for endpoints that submit and return.</summary>
    public static async ValueTask<object?> AdmitOneAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using var permit = context.HttpContext.RequestServices.GetRequiredService<SubmitBackpressure>().TryAdmit(1, out var refusal);
        return permit is null ? refusal : await next(context);
    }

    public void Dispose() => _inFlight.Dispose();

    /// <summary>Whether so many jobs on this silo wait for a handler slot that every submission is refused.</summary>
    private bool IsSaturated(BackpressureOptions settings) => runner.WaitingForSlot >= settings.MaxWaitingJobs;

    /// <summary>The answer to a refused submission: 429 problem details saying which limit it hit, with <c>Retry-After</c>.</summary>
    private IResult Refusal(BackpressureOptions settings)
    {
        var detail = IsSaturated(settings)
            ? $"{runner.WaitingForSlot} jobs on this silo are waiting for a handler slot (limit {settings.MaxWaitingJobs}, OrleansJobs:Backpressure:MaxWaitingJobs); retry later."
            : $"This silo is handling {settings.MaxConcurrentSubmits} submissions already (OrleansJobs:Backpressure:MaxConcurrentSubmits); retry later.";
        return new RetryAfterResult(settings.RetryAfter,
            TypedResults.Problem(detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests"));
    }
}
