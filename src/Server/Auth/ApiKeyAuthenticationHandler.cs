using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using OrleansJobs.Server.Hosting;
using OrleansJobs.Server.WebConsole;

namespace OrleansJobs.Server.Auth;

/// <summary>
/// Authenticates a request by the API key it presents: <c>Authorization: Bearer &lt;secret&gt;</c>, <c>X-Api-Key</c>,
/// <c>access_token</c> in the query (only for the hub and server-sent events, which browsers cannot give headers) or,
/// for the dashboard, HTTP Basic with the secret as password, or the jobs console's sign-in cookie
/// (<see cref="ConsoleSignIn"/>), whose callers carry the <see cref="ViaCookieClaim"/>. While no key exists and <see cref="AnonymousAccess"/>
/// permits it, every request is an anonymous caller with all scopes. Failures answer 401 or 403 problem documents.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyStore keys, AnonymousAccess anonymous, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "OrleansJobsApiKey";

    /// <summary>The header that may carry the secret.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>
    /// The claim a caller carries when its key came from the console's cookie: a browser sends that cookie by itself, so
    /// what such a caller changes must also carry an antiforgery token (<see cref="ConsoleSignIn.RequireAntiforgeryAsync"/>).
    /// </summary>
    public const string ViaCookieClaim = "orleansjobs:via-cookie";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (secret, viaCookie) = Secret();
        if (secret is null)
        {
            return Task.FromResult(keys.IsEmpty && anonymous.Permitted
                ? AuthenticateResult.Success(Ticket(name: null, JobScopes.All))
                : AuthenticateResult.NoResult());
        }
        if (secret.Length > 512) return Task.FromResult(AuthenticateResult.Fail("The API key is too long."));
        var key = keys.Find(secret);
        return Task.FromResult(key is null ? AuthenticateResult.Fail("Unknown API key.") : AuthenticateResult.Success(Ticket(key.Name, key.Scopes, viaCookie)));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        if (IsDashboard()) Response.Headers.Append(HeaderNames.WWWAuthenticate, "Basic realm=\"OrleansJobs\", charset=\"UTF-8\"");
        await WriteProblemAsync("Unauthorized",
            $"Present an API key: 'Authorization: Bearer <key>' or '{HeaderName}: <key>'. The silo's 'keys add <name> --scopes <scopes>' command creates one.");
    }

    /// <inheritdoc />
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync("Forbidden", "The API key lacks the scope this request needs.");
    }

    private Task WriteProblemAsync(string title, string detail) =>
        problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = Response.StatusCode, Title = title, Detail = detail },
        }).AsTask();

    // A key the request carries itself wins over the cookie, which the browser adds on its own.
    private (string? Secret, bool ViaCookie) Secret()
    {
        if (Request.Headers.TryGetValue(HeaderName, out var header) && header.ToString() is { Length: > 0 } fromHeader) return (fromHeader, false);
        var authorization = Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return (authorization[7..].Trim(), false);
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && IsDashboard()) return (BasicPassword(authorization[6..].Trim()), false);
        if (IsLive() && Request.Query.TryGetValue("access_token", out var token) && token.ToString() is { Length: > 0 } fromQuery) return (fromQuery, false);
        if (Request.Cookies.TryGetValue(ConsoleSignIn.CookieName, out var cookie) && cookie is { Length: > 0 }) return (cookie, true);
        return (null, false);
    }

    private static string? BasicPassword(string encoded)
    {
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = pair.IndexOf(':');
            return colon < 0 ? null : pair[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // The hub and the server-sent events: browsers' EventSource and WebSocket cannot send headers.
    private bool IsLive()
    {
        var path = Request.Path.Value ?? "";
        return path.Contains(JobLiveExtensions.HubPath, StringComparison.Ordinal)
            || (path.EndsWith("/events", StringComparison.Ordinal) && path.Contains("/api/jobs/", StringComparison.Ordinal));
    }

    private bool IsDashboard() => (Request.Path.Value ?? "").Contains(DashboardAssets.Prefix, StringComparison.Ordinal);

    // An anonymous caller has no name: it owns nothing it submits (JobCaller).
    private AuthenticationTicket Ticket(string? name, IEnumerable<string> scopes, bool viaCookie = false)
    {
        var claims = new List<Claim>();
        if (name is not null) claims.Add(new(ClaimTypes.Name, name));
        if (viaCookie) claims.Add(new Claim(ViaCookieClaim, "true"));
        claims.AddRange(scopes.Select(s => new Claim(JobScopes.ClaimType, s)));
        return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName);
    }
}
