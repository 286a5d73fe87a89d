using System.Net;
using System.Net.Sockets;

namespace OrleansJobs.Bench;

/// <summary>Free loopback ports for the processes a benchmark starts (a silo's HTTP, silo and gateway ports).</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// <paramref name="count"/> distinct free ports, held open together while they are picked: a listener closed before
    /// the next opens can hand the same port out twice, and the process then fails to bind its second use.
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners) listener.Start();
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
