using OrleansJobs.Server.Hosting;

namespace OrleansJobs.Tests.Server.Hosting;

[Trait("Kind", "Unit")]
public sealed class LoopbackUrlTests
{
    [Theory]
    [InlineData("http://+:5000", "http://localhost:5000/")]
    [InlineData("http://*:8080", "http://localhost:8080/")]
    [InlineData("http://0.0.0.0:80", "http://localhost/")]
    [InlineData("http://[::]:5000", "http://localhost:5000/")]
    [InlineData("http://127.0.0.1:5099", "http://127.0.0.1:5099/")]
    [InlineData(" https://jobs.example.com:8443 ", "https://jobs.example.com:8443/")]
    public void A_wildcard_host_becomes_localhost_and_any_other_is_kept(string listening, string expected) =>
        Assert.Equal(expected, LoopbackUrl.Of(listening).ToString());
}
