using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace OrleansJobs.Server.Hosting;

/// <summary>
/// Cross-origin access for browser applications on other origins: off (no CORS headers at all) unless
/// <c>OrleansJobs:Cors:Origins</c> lists origins. Those origins may send any method and header (keys included) to the
/// service's routes and read the answers; cookies are never allowed across origins, so a page must present a key of
/// its own. <c>*</c> is refused at start: a service without keys serves anonymous callers on loopback, and <c>*</c>
/// would hand it to every web site its operator visits.
/// </summary>
public static class JobCors
{
    public const string Section = "OrleansJobs:Cors";

    private const string PolicyName = "OrleansJobs";

    /// <summary>Adds the policy when origins are configured; a malformed origin, or <c>*</c>, stops the start naming it.</summary>
    public static IHostApplicationBuilder AddJobCors(this IHostApplicationBuilder builder)
    {
        var origins = Origins(builder.Configuration.GetSection(Section).GetSection("Origins"));
        if (origins.Count == 0) return builder;
        builder.Services.AddCors(o => o.AddPolicy(PolicyName, policy => policy
            .WithOrigins([.. origins])
            .AllowAnyMethod()
            .AllowAnyHeader()
            .WithExposedHeaders("Location", "Retry-After", CorrelationIds.Header)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return builder;
    }

    /// <summary>Answers preflights and adds CORS headers on the service's routes, when <see cref="AddJobCors"/> added a policy.</summary>
    public static IApplicationBuilder UseJobCors(this IApplicationBuilder app)
    {
        var configured = app.ApplicationServices.GetService<IOptions<CorsOptions>>()?.Value.GetPolicy(PolicyName) is not null;
        return configured ? app.UseCors(PolicyName) : app;
    }

    /// <summary>The origins listed in <paramref name="section"/>, each <c>http(s)://host[:port]</c> without a path.</summary>
    public static IReadOnlyList<string> Origins(IConfigurationSection section)
    {
        var origins = ConfigurationLists.Read(section);
        foreach (var origin in origins)
        {
            if (origin == "*")
                throw new InvalidOperationException(
                    $"{Section}:Origins may not be '*': list each origin that may call the service (https://app.example.com).");
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || !string.Equals(origin.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException(
                    $"{Section}:Origins entry '{origin}' is not an origin: give a scheme, a host and optionally a port, no path (https://app.example.com:8443).");
        }
        return [.. origins.Select(origin => origin.TrimEnd('/'))];
    }
}
