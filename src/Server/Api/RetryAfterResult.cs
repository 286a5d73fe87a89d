namespace OrleansJobs.Server.Api;

/// <summary>Adds a Retry-After header to another result.</summary>
internal sealed class RetryAfterResult(TimeSpan after, IResult inner) : IResult
{
    public Task ExecuteAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(context);
    }
}
