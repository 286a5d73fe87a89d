using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace OrleansJobs.Server.Auth;

/// <summary>
/// Optional JWT bearer tokens for teams with an identity provider: set <c>OrleansJobs:Auth:Jwt:Authority</c> (and
/// usually <c>:Audience</c>), and tokens whose <c>scope</c> (or <c>scp</c>) claim names OrleansJobs scopes are accepted
/// beside API keys. Any other <c>JwtBearerOptions</c> can be set under the same section.
/// </summary>
public static class JwtBearerSupport
{
    /// <summary>The scheme's name.</summary>
    public const string SchemeName = "OrleansJobsJwt";

    /// <summary>Adds the JWT scheme when an authority is configured and returns its name, or null.</summary>
    public static string? Add(IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(JobAuthOptions.SectionName + ":Jwt");
        if (string.IsNullOrEmpty(section["Authority"])) return null;
        builder.Services.AddAuthentication().AddJwtBearer(SchemeName, o =>
        {
            section.Bind(o);
            o.MapInboundClaims = false; // keeps "scope" as it came
        });
        return SchemeName;
    }
}
