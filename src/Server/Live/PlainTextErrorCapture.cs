using System.Text;

namespace OrleansJobs.Server.Live;

/// <summary>
/// The response body of a request to SignalR's own routes, as <see cref="HubProblemDetails"/> puts it in front of the
/// server's. At the first write or flush it looks at what the response became: an error status with a plain-text body
/// (how SignalR answers a missing or unknown connection token, an unknown transport and the like) is held back, its
/// first <see cref="MaxText"/> bytes kept for the problem document; anything else passes straight through, so the
/// transports' streams (server-sent events, long polling) flush as they always did.
/// </summary>
internal sealed class PlainTextErrorCapture(HttpResponse response, Stream inner) : Stream
{
    /// <summary>The most of a held-back error's text kept for the problem document's <c>detail</c>.</summary>
    public const int MaxText = 1024;

    private readonly MemoryStream _text = new();
    private bool? _holding;

    /// <summary>True when the response is an error in plain text, held back for a problem document.</summary>
    public bool Holding => _holding ??= response.StatusCode >= StatusCodes.Status400BadRequest
        && response.ContentType is { } type && type.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase);

    /// <summary>The held-back text (at most <see cref="MaxText"/> bytes of it), trimmed.</summary>
    public string Text => Encoding.UTF8.GetString(_text.GetBuffer(), 0, (int)_text.Length).Trim();

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Holding) Keep(buffer);
        else inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Holding) return inner.WriteAsync(buffer, cancellationToken);
        Keep(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override void Flush()
    {
        if (!Holding) inner.Flush();
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Holding ? Task.CompletedTask : inner.FlushAsync(cancellationToken);

    private void Keep(ReadOnlySpan<byte> bytes) => _text.Write(bytes[..Math.Min(bytes.Length, MaxText - (int)_text.Length)]);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
