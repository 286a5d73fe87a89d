using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using OrleansJobs.Server.Auth;

namespace OrleansJobs.Server.WebConsole;

/// <summary>
/// Signing in to the console with an API key: the page sends the key once (<c>POST console/session</c> with the key in
/// <c>X-Api-Key</c>), which the API-key scheme itself checks; the answer keeps the key in an HttpOnly, SameSite=Strict
/// cookie (Secure over HTTPS) that the scheme accepts from then on. Because a browser adds that cookie by itself, a
/// request it signs in that changes anything must also carry the antiforgery token that <c>GET console/session</c> hands
/// to the page. <c>DELETE console/session</c> signs out.
/// </summary>
public static class ConsoleSignIn
{
    /// <summary>The cookie that keeps the key.</summary>
    public const string CookieName = "OrleansJobs.Console";

    /// <summary>The console's session endpoints, under the console's group.</summary>
    public static RouteGroupBuilder MapConsoleSession(this RouteGroupBuilder console)
    {
        console.MapGet("/session", Describe);
        console.MapPost("/session", SignInAsync);
        console.MapDelete("/session", SignOut);
        return console;
    }

    /// <summary>
    /// Middleware after authorization: refuses, with a 400 problem, a request that changes something and was signed in
    /// by the console's cookie alone, unless it carries a valid antiforgery token (header and cookie).
    /// </summary>
    public static async Task RequireAntiforgeryAsync(HttpContext context, Func<Task> next)
    {
        var method = context.Request.Method;
        var safe = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);
        if (safe || !context.User.HasClaim(c => c.Type == ApiKeyAuthenticationHandler.ViaCookieClaim)
            || await HasValidTokenAsync(context))
        {
            await next();
            return;
        }
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "Antiforgery token missing or invalid",
                Detail = "A change signed in by the console's cookie must carry the antiforgery token that GET console/session hands out, in its header.",
            },
        });
    }

    // The antiforgery check reads a form body for its token, and throws on one that is not a form (a 500): that is a
    // request without a valid token.
    private static async Task<bool> HasValidTokenAsync(HttpContext context)
    {
        try
        {
            return await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return false;
        }
    }

    // Who is signed in, what they may do, and the antiforgery token their changes carry. Needs the read scope.
    private static IResult Describe(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return TypedResults.Ok(new ConsoleSession(
            context.User.Identity?.Name ?? "",
            [.. JobScopes.All.Where(scope => JobAuthExtensions.Grants(context.User, scope))],
            context.User.HasClaim(c => c.Type == ApiKeyAuthenticationHandler.ViaCookieClaim),
            tokens.HeaderName ?? "",
            tokens.RequestToken ?? ""));
    }

    private static async Task<IResult> SignInAsync(HttpContext context, [FromHeader(Name = ApiKeyAuthenticationHandler.HeaderName)] string? secret)
    {
        if (string.IsNullOrEmpty(secret))
            return TypedResults.Problem($"Send the API key in the {ApiKeyAuthenticationHandler.HeaderName} header.",
                statusCode: StatusCodes.Status400BadRequest, title: "No API key");
        // The same scheme that checks every request checks the key here: one place decides what a key is.
        var result = await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
        if (!result.Succeeded)
            return TypedResults.Problem(result.Failure?.Message ?? "Unknown API key.", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
        if (!JobAuthExtensions.Grants(result.Principal, JobScopes.Read))
            return TypedResults.Problem($"The console needs a key with the '{JobScopes.Read}' scope; '{result.Principal.Identity?.Name}' lacks it.",
                statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        context.Response.Cookies.Append(CookieName, secret, Options(context));
        return TypedResults.NoContent();
    }

    private static IResult SignOut(HttpContext context)
    {
        context.Response.Cookies.Delete(CookieName, Options(context));
        return TypedResults.NoContent();
    }

    // The cookie reaches the API, the hub and the console alike: its path is where the service is mounted.
    private static CookieOptions Options(HttpContext context) => new()
    {
        HttpOnly = true,
        Secure = context.Request.IsHttps,
        SameSite = SameSiteMode.Strict,
        Path = ConsoleEndpoints.MountRoot(context),
        IsEssential = true,
    };
}
