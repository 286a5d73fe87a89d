using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Writes the problem document when ASP.NET Core's own writer declines because the caller's <c>Accept</c> header leaves
/// JSON out. An error of this service is a problem document whatever the caller asked for: without this writer,
/// <c>IProblemDetailsService.WriteAsync</c> throws for such a caller (a 415 or 400 became a 500) and the status-code
/// pages answer in plain text.
/// </summary>
internal sealed class ProblemJsonFallbackWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        var problem = context.ProblemDetails;
        problem.Status ??= response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Type ??= "about:blank";
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", context.HttpContext.RequestAborted));
    }
}
