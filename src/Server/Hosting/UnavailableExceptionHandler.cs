using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using OrleansJobs.Jobs;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Turns "try again later" failures that escape an endpoint into 503 problem details with <c>Retry-After</c>, not 500:
/// the job storage is unreachable (a database outage), or the cluster could not answer in time (a silo was lost and
/// membership has not caught up yet). Nothing was accepted, so the client may safely retry — with the same
/// Idempotency-Key, a submit that did commit before the failure is returned rather than repeated.
/// </summary>
public sealed class UnavailableExceptionHandler(IProblemDetailsService problems, ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (Reason(exception) is not { } reason) return false;
        logger.LogWarning("{Method} {Path} answered 503: {Reason}", context.Request.Method, context.Request.Path, reason);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = reason,
            },
        });
    }

    /// <summary>Why the failure is worth a retry, or null when it is a real error.</summary>
    public static string? Reason(Exception exception)
    {
        foreach (var inner in Flatten(exception))
        {
            switch (inner)
            {
                case JobServiceUnavailableException unavailable:
                    return unavailable.Message;
                case TimeoutException or SiloUnavailableException or OrleansMessageRejectionException:
                    return $"The cluster did not answer in time ({inner.Message}); retry shortly.";
            }
        }

        return null;
    }

    private static IEnumerable<Exception> Flatten(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception;
            if (exception is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                    yield return inner;
        }
    }
}
