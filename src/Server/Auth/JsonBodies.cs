using Microsoft.Net.Http.Headers;

namespace OrleansJobs.Server.Auth;

/// <summary>Answers 415 to a request body that is not JSON (<c>application/json</c> or <c>application/*+json</c>).</summary>
public static class JsonBodies
{
    /// <summary>The middleware: bodies of POST, PUT and PATCH under <c>/api</c> must be JSON.</summary>
    public static async Task RefuseOthersAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (hasBody && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
            && (request.Path.Value ?? "").Contains("/api/", StringComparison.Ordinal) && !IsJson(request.ContentType))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = 415, Title = "Unsupported media type", Detail = "Request bodies must be JSON: send 'Content-Type: application/json'." },
            });
            return;
        }
        await next();
    }

    /// <summary>True for <c>application/json</c> and <c>application/*+json</c>, with or without parameters.</summary>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (media.MediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && media.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));
}
