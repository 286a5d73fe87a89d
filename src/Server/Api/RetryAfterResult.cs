namespace OrleansJobs.Server.Api;

/// <summary>Adds a Retry-After header to another result.</summary>
internal sealed class RetryAfterResult(TimeSpan after, IResult inner) : IResult
{
    /// <summary>The wait the header asks for: whole seconds, rounded up.</summary>
    public TimeSpan After { get; } = TimeSpan.FromSeconds(Math.Ceiling(after.TotalSeconds));

    /// <summary>The answer the header is added to.</summary>
    public IResult Inner => inner;

    public Task ExecuteAsync(HttpContext context)
    {
        context.Response.Headers.RetryAfter = ((long)After.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return inner.ExecuteAsync(context);
    }
}
