using System.Collections.Concurrent;

namespace OrleansJobs.Tests.Client;

/// <summary>
/// Records every request on its way through, then either passes it on (to the real silo) or, when made with
/// <see cref="Answering"/>, answers it itself with the given responses in turn.
/// </summary>
public sealed class RecordingHandler : DelegatingHandler
{
    private readonly ConcurrentQueue<SentRequest> _sent = new();
    private readonly Func<HttpRequestMessage, int, HttpResponseMessage>? _answer;
    private int _count;

    public RecordingHandler(HttpMessageHandler inner) : base(inner) { }

    private RecordingHandler(Func<HttpRequestMessage, int, HttpResponseMessage> answer) => _answer = answer;

    /// <summary>A stub: the n-th request (from 0) gets <paramref name="answer"/>(request, n).</summary>
    public static RecordingHandler Answering(Func<HttpRequestMessage, int, HttpResponseMessage> answer) => new(answer);

    public IReadOnlyList<SentRequest> Sent => [.. _sent];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _sent.Enqueue(new SentRequest(request.Method, request.RequestUri!, Header(request, "Idempotency-Key"), Header(request, "X-Api-Key")));
        var n = Interlocked.Increment(ref _count) - 1;
        return _answer is null ? base.SendAsync(request, cancellationToken) : Task.FromResult(_answer(request, n));
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
