using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using CsCheck;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace OrleansJobs.Tests.Silo.Fuzz;

/// <summary>
/// Bad calls of the SignalR hub: hub methods called with garbage through the real SignalR client (unknown methods,
/// wrong argument counts and types, odd job ids), connections with bad tokens, and raw WebSocket frames that are not the
/// SignalR protocol. The property: a bad call is refused as a <see cref="HubException"/> that is the hub's own or the
/// protocol's (never "an unexpected error", SignalR's 500), the connection survives it, and a bad token never connects.
/// </summary>
public static class HubFuzz
{
    private static readonly string[] Methods = ["Subscribe", "Unsubscribe", "subscribe", "OnDisconnectedAsync", "Dispose", " ", "NoSuchMethod", "JobEvent"];

    /// <summary>A hub call: a method name and up to three arguments of any JSON type, ids odd or real.</summary>
    public static Gen<(string Method, object?[] Args)> Call(IReadOnlyList<string> jobIds) => Gen.Select(
        Gen.Frequency((8, Gen.OneOf("Subscribe", "Unsubscribe")), (2, Gen.OneOf(Methods))),
        Gen.Frequency(
            (6, Argument(jobIds).Array[1]),
            (2, Argument(jobIds).Array[0, 3])),
        (method, args) => (method, args));

    // Three arguments stay under SignalR's 32 KB message limit: a bigger message closes the connection, by design.
    private static Gen<object?> Argument(IReadOnlyList<string> jobIds) => Gen.Frequency(
        (5, BadRequests.Segment(jobIds).Select(s => (object?)Uri.UnescapeDataString(s))),
        (2, Gen.Char.Array[0, 50].Select(c => (object?)new string(c))),
        (1, Gen.Long.Select(n => (object?)n)),
        (1, Gen.Double[-1e300, 1e300].Select(d => (object?)d)),
        (1, Gen.OneOf<object?>(null, true, false, new string('j', 8_000), new[] { "job_", "x" }, new Dictionary<string, string> { ["jobId"] = "x" })));

    /// <summary>Raw frames for a WebSocket to the hub: handshakes of unknown protocols, messages of unknown types, bad arguments, bytes.</summary>
    public static readonly Gen<byte[]> Frame = Gen.Frequency(
        (3, Gen.OneOf(
            "{\"protocol\":\"nope\",\"version\":1}\u001e", "{\"protocol\":\"json\",\"version\":99}\u001e", "{}\u001e", "\u001e", "{\"protocol\":\"json\"",
            "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Subscribe\",\"arguments\":[{\"a\":1}]}\u001e",
            "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Subscribe\",\"arguments\":[\"\\ud800\"]}\u001e",
            "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Subscribe\",\"arguments\":[]}\u001e",
            "{\"type\":1,\"target\":\"Subscribe\",\"arguments\":[null,null,null]}\u001e",
            "{\"type\":1,\"invocationId\":\"" + new string('i', 5000) + "\",\"target\":\"Unsubscribe\",\"arguments\":[\"x\"]}\u001e",
            "{\"type\":4,\"invocationId\":\"2\",\"target\":\"Subscribe\",\"arguments\":[\"x\"]}\u001e",
            "{\"type\":99}\u001e", "{\"type\":7}\u001e", "{\"type\":6}\u001e", "{\"type\":\"1\"}\u001e", "[]\u001e", "null\u001e").Select(Encoding.UTF8.GetBytes)),
        (1, BadJson.Body.Select(b => (byte[])[.. b, 0x1e])),
        (1, Gen.Byte.Array[1, 300]));

    /// <summary>
    /// Calls <paramref name="calls"/> on <paramref name="connection"/>; returns what went wrong with one, or null. A call
    /// may succeed (a real job watched) or be refused with the hub's or SignalR's own message.
    /// </summary>
    public static async Task<string?> InvokeAsync(HubConnection connection, (string Method, object?[] Args) call, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            await connection.InvokeCoreAsync(call.Method, typeof(object), call.Args, timeout.Token);
        }
        catch (HubException e) when (!e.Message.Contains("unexpected error", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("HubException: ", StringComparison.Ordinal))
        {
            // Refused as it should be: not found, over the watch limit, no such method, wrong arguments. SignalR passes on a
            // HubException the hub throws as "An unexpected error occurred invoking 'X' on the server. HubException: <why>";
            // any other exception on the server is the bare "unexpected error", a 500 in all but name.
        }
        catch (Exception e)
        {
            return $"{call.Method}({string.Join(", ", call.Args.Select(Show))}) threw {e.GetType().Name}: {e.Message}";
        }
        return connection.State == HubConnectionState.Connected
            ? null
            : $"{call.Method}({string.Join(", ", call.Args.Select(Show))}) left the connection {connection.State}";
    }

    /// <summary>
    /// Connects with <paramref name="token"/> as the access token (query string for WebSockets, bearer header otherwise);
    /// returns null when that fails with 401, the only right answer to a bad token, else what happened.
    /// </summary>
    public static async Task<string?> ConnectWithBadTokenAsync(Uri hub, string token, bool webSockets, CancellationToken cancellationToken)
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(hub, o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                if (webSockets)
                {
                    o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                }
            })
            .Build();
        try
        {
            await connection.StartAsync(cancellationToken);
            return $"a connection with the token '{token}' was accepted";
        }
        catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }
        catch (WebSocketException e) when (e.Message.Contains("401", StringComparison.Ordinal))
        {
            return null;
        }
        catch (Exception e)
        {
            return $"a connection with the token '{token}' failed with {e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>
    /// Opens a raw WebSocket to the hub with <paramref name="key"/> and sends <paramref name="frames"/>; the server may
    /// answer or close, but must not fail to: returns what went wrong, or null. Counts the frames sent in <paramref name="sent"/>.
    /// </summary>
    public static async Task<string?> SendRawAsync(Uri hub, string key, byte[][] frames, ConcurrentBag<int> sent, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        var uri = new UriBuilder(hub) { Scheme = "ws", Query = "access_token=" + Uri.EscapeDataString(key) }.Uri;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await socket.ConnectAsync(uri, timeout.Token);
        var buffer = new byte[16 * 1024];
        foreach (var frame in frames)
        {
            if (socket.State != WebSocketState.Open) break;
            try
            {
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
                sent.Add(1);
            }
            catch (WebSocketException)
            {
                break; // the server closed it between our frames: a fine answer to garbage
            }
        }
        // Drain until the server closes or goes quiet: what it sends back is the protocol's business, not ours.
        try
        {
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            quiet.CancelAfter(TimeSpan.FromMilliseconds(300));
            while (socket.State == WebSocketState.Open && !(await socket.ReceiveAsync(buffer, quiet.Token)).CloseStatus.HasValue) { }
        }
        catch (OperationCanceledException) when (!timeout.IsCancellationRequested) { }
        catch (WebSocketException) { }
        if (timeout.IsCancellationRequested) return $"a raw WebSocket got no answer within 60 s to {frames.Length} frames";
        return null;
    }

    private static string Show(object? argument) => argument switch
    {
        null => "null",
        string { Length: > 80 } s => $"\"{s[..80]}…\" ({s.Length} chars)",
        string s => $"\"{s}\"",
        _ => argument.ToString() ?? "",
    };
}
