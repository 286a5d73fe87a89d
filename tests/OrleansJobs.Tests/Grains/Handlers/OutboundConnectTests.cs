using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansJobs.Handlers.BuiltIn;
using OrleansJobs.Outbound;

namespace OrleansJobs.Tests.Grains.Handlers;

/// <summary>The allow-list checked against the addresses a name resolves to when the call connects, with a local listener.</summary>
[Trait("Kind", "Unit")]
public sealed class OutboundConnectTests : IDisposable
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public OutboundConnectTests()
    {
        _listener.Start();
        _ = AnswerAsync();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Answers every connection with an empty 200.</summary>
    private async Task AnswerAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                _ = await stream.ReadAsync(new byte[4096]); // the request, whatever it is: every one gets the same answer
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    private static HttpClient Client(params string[] allowed)
    {
        var options = new HttpJobOptions();
        options.AllowedHosts.AddRange(allowed);
        return new HttpClient(new SocketsHttpHandler { ConnectCallback = (context, ct) => OutboundConnect.ConnectAsync(context, options, ct) });
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_unless_the_address_itself_is_allowed()
    {
        using var byNameOnly = Client($"localhost:{Port}");
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => byNameOnly.GetAsync($"http://localhost:{Port}/", Token));
        Assert.Contains("OrleansJobs:Http:AllowedHosts", refused.Message);

        using var withAddress = Client($"localhost:{Port}", $"127.0.0.1:{Port}");
        using var answer = await withAddress.GetAsync($"http://localhost:{Port}/", Token);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Internal_addresses_are_recognised(string address) => Assert.True(OutboundConnect.IsInternal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700::1111")]
    public void Public_addresses_are_not_internal(string address) => Assert.False(OutboundConnect.IsInternal(IPAddress.Parse(address)));

    public void Dispose() => _listener.Stop();
}
