using System.Net;
using System.Net.Sockets;

namespace OrleansJobs.Tests.Infrastructure;

/// <summary>Loopback ports for processes started by tests.</summary>
public static class FreeTcpPort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port the OS reports free on 127.0.0.1. Never the same one twice in a test run, because a port
    /// handed to a silo that has not bound it yet still looks free to the OS.
    /// </summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
