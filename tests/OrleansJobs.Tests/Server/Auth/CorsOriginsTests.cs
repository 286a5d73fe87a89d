using Microsoft.Extensions.Configuration;
using OrleansJobs.Server.Hosting;

namespace OrleansJobs.Tests.Server.Auth;

/// <summary>What <c>OrleansJobs:Cors:Origins</c> accepts: exact origins only, never <c>*</c>.</summary>
[Trait("Kind", "Unit")]
public sealed class CorsOriginsTests
{
    private static IReadOnlyList<string> Origins(params (string Key, string Value)[] settings) =>
        JobCors.Origins(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"{JobCors.Section}:{s.Key}", (string?)s.Value)))
            .Build().GetSection(JobCors.Section).GetSection("Origins"));

    [Fact]
    public void Origins_are_read_from_a_list_or_a_comma_separated_string()
    {
        Assert.Equal(["https://a.example", "http://localhost:5173"], Origins(("Origins", "https://a.example, http://localhost:5173/")));
        Assert.Equal(["https://a.example", "https://b.example:8443"], Origins(("Origins:0", "https://a.example"), ("Origins:1", "https://b.example:8443")));
        Assert.Empty(Origins());
    }

    [Theory]
    [InlineData("*")]
    [InlineData("a.example")]
    [InlineData("https://a.example/app")]
    [InlineData("ftp://a.example")]
    [InlineData("https://a.example?x=1")]
    public void Anything_but_an_exact_origin_stops_the_start_naming_the_setting(string entry)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Origins(("Origins", entry)));
        Assert.Contains("OrleansJobs:Cors:Origins", refused.Message);
    }
}
