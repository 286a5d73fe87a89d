using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>
/// A TCP relay on loopback in front of a server, so that a test can cut every connection through it at once, as a
/// network failure would, while new connections go through again.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Uri _target;
    private readonly Task _accepting;

    public TcpRelay(Uri target)
    {
        _target = target;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Where to connect to reach the server through the relay.</summary>
    public Uri Address { get; }

    /// <summary>Resets every open connection through the relay; returns how many there were.</summary>
    public int Cut()
    {
        var cut = 0;
        foreach (var (client, server) in _open)
        {
            if (!_open.TryRemove(client, out _)) continue;
            Reset(client);
            Reset(server);
            cut++;
        }
        return cut;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
        try { await _accepting; } catch (OperationCanceledException) { } catch (SocketException) { } catch (ObjectDisposedException) { }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient();
            try
            {
                await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            }
            catch (SocketException)
            {
                Reset(client);
                server.Dispose();
                continue;
            }
            _open[client] = server;
            _ = RelayAsync(client, server);
        }
    }

    private async Task RelayAsync(TcpClient client, TcpClient server)
    {
        try
        {
            var up = client.GetStream().CopyToAsync(server.GetStream(), _stop.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(up, down);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            if (_open.TryRemove(client, out _))
            {
                client.Dispose();
                server.Dispose();
            }
        }
    }

    private static void Reset(TcpClient connection)
    {
        try
        {
            connection.Client.LingerState = new LingerOption(true, 0); // RST, not FIN: the peer sees a broken connection
            connection.Dispose();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
