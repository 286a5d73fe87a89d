using OrleansJobs.Handlers.BuiltIn;

namespace OrleansJobs.Tests.Grains.Handlers;

/// <summary>The port part of an allow-list entry: none allows the web's ports only, a number that port, <c>*</c> any.</summary>
[Trait("Kind", "Unit")]
public sealed class AllowListPortTests
{
    private static bool Allows(string entry, string url)
    {
        var options = new HttpJobOptions();
        options.AllowedHosts.Add(entry);
        return options.Allows(new Uri(url));
    }

    [Theory]
    [InlineData("http://api.example.com/hook", true)]
    [InlineData("https://api.example.com/hook", true)]
    [InlineData("http://api.example.com:443/hook", true)]
    [InlineData("https://api.example.com:80/hook", true)]
    [InlineData("http://api.example.com:8080/hook", false)]
    [InlineData("https://api.example.com:5432/", false)]
    public void An_entry_without_a_port_allows_80_and_443_only(string url, bool allowed) => Assert.Equal(allowed, Allows("api.example.com", url));

    [Theory]
    [InlineData("http://127.0.0.1:5005/", true)]
    [InlineData("http://127.0.0.1:5006/", false)]
    [InlineData("http://127.0.0.1/", false)]
    public void An_entry_with_a_port_allows_that_port_only(string url, bool allowed) => Assert.Equal(allowed, Allows("127.0.0.1:5005", url));

    [Theory]
    [InlineData("http://10.0.0.7:1/")]
    [InlineData("http://10.0.0.7:65535/")]
    [InlineData("https://10.0.0.7/")]
    public void An_entry_with_a_star_allows_every_port(string url) => Assert.True(Allows("10.0.0.7:*", url));

    [Fact]
    public void The_port_part_does_not_widen_the_host() => Assert.False(Allows("10.0.0.7:*", "http://10.0.0.8:80/"));

    [Fact]
    public void An_internal_address_is_named_only_for_the_ports_its_entry_admits()
    {
        var options = new HttpJobOptions();
        options.AllowedHosts.AddRange(["127.0.0.1", "[::1]:8080", "10.0.0.7:*"]);

        Assert.True(options.NamesAddress(System.Net.IPAddress.Loopback, 443));
        Assert.False(options.NamesAddress(System.Net.IPAddress.Loopback, 5005));
        Assert.True(options.NamesAddress(System.Net.IPAddress.IPv6Loopback, 8080));
        Assert.False(options.NamesAddress(System.Net.IPAddress.IPv6Loopback, 8081));
        Assert.True(options.NamesAddress(System.Net.IPAddress.Parse("10.0.0.7"), 6379));
    }
}
