using System.Buffers;
using System.IO.Pipelines;
using System.Text;

namespace FnSharp.Server.Edge;

/// <summary>
/// The output of a connection, passed through untouched until Kestrel refuses a request on it
/// (<see cref="RejectionMark.Error"/> set). Kestrel then writes a bare answer (status line, a few
/// headers, <c>Content-Length: 0</c>) and closes the connection; that answer is held and replaced by
/// the same status with the project's JSON error body. Kestrel offers no hook for the body of these
/// answers, so they are rewritten on their way out. Anything held that is not such an answer (the
/// application's own, or a response already under way) is passed on unchanged.
/// </summary>
internal sealed class RejectionRewritingWriter(PipeWriter inner, RejectionMark mark) : PipeWriter
{
    private static readonly byte[] HeadEnd = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] EmptyLength = "\r\nContent-Length: 0\r\n"u8.ToArray();

    private ArrayBufferWriter<byte>? _held;

    // Which buffer the last GetMemory/GetSpan came from, so that its Advance goes to the same one.
    private bool _lastFromHeld;

    public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => inner.UnflushedBytes + (_held?.WrittenCount ?? 0);

    public override void Advance(int bytes)
    {
        if (_lastFromHeld)
        {
            _held!.Advance(bytes);
        }
        else
        {
            inner.Advance(bytes);
        }
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Holding() is { } held ? held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Holding() is { } held ? held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        Release();
        return inner.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        Release();
        inner.Complete(exception);
    }

    public override ValueTask CompleteAsync(Exception? exception = null)
    {
        Release();
        return inner.CompleteAsync(exception);
    }

    /// <summary>
    /// Kestrel's bare answer for <paramref name="error"/>'s status, as written (<paramref name="written"/>),
    /// with a JSON body: its status line and headers kept but <c>Content-Length</c>, and
    /// <c>Content-Type</c>, <c>Content-Length</c> and the body added. <see langword="null"/> when
    /// <paramref name="written"/> is not such an answer.
    /// </summary>
    internal static byte[]? Rewrite(ReadOnlySpan<byte> written, FnSharp.Core.Errors.ApiError error, bool isHead)
    {
        var end = written.IndexOf(HeadEnd);
        if (end < 0 || end + HeadEnd.Length != written.Length || !written.StartsWith("HTTP/1."u8))
        {
            return null;
        }

        // The head itself, with the CRLF that ends its last header line.
        var head = written[..(end + 2)];
        var length = head.IndexOf(EmptyLength);
        if (length < 0)
        {
            return null;
        }

        var body = ApiJson.ErrorBytes(error);
        var rewritten = new ArrayBufferWriter<byte>(written.Length + body.Length + 64);
        rewritten.Write(head[..(length + 2)]);
        rewritten.Write(head[(length + EmptyLength.Length)..]);
        rewritten.Write(Encoding.ASCII.GetBytes($"Content-Type: {ApiJson.ContentType}\r\nContent-Length: {body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)}\r\n\r\n"));
        if (!isHead)
        {
            rewritten.Write(body);
        }

        return rewritten.WrittenSpan.ToArray();
    }

    private ArrayBufferWriter<byte>? Holding()
    {
        if (_held is null && mark.Error is not null)
        {
            _held = new ArrayBufferWriter<byte>(256);
        }

        _lastFromHeld = _held is not null;
        return _held;
    }

    /// <summary>Writes what was held to the connection: rewritten when it is Kestrel's bare answer, else as it was.</summary>
    private void Release()
    {
        if (_held is not { WrittenCount: > 0 } held || mark.Error is not { } error)
        {
            return;
        }

        inner.Write(Rewrite(held.WrittenSpan, error, mark.IsHead) ?? held.WrittenSpan.ToArray());
        held.Clear();
    }
}
