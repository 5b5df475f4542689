namespace FnSharp.Server.Invocation;

/// <summary>
/// A request body of unknown length (chunked) read within <c>FN_MAX_REQUEST_SIZE</c> while it streams to
/// the container: past the limit a read fails with <see cref="RequestBodyTooLargeException"/> and
/// <see cref="Exceeded"/> says how many bytes had arrived, so that the call is answered 413 with Fn's
/// message rather than as a function that broke off (502).
/// </summary>
internal sealed class LimitedRequestBody(Stream inner, long maxBytes) : Stream
{
    private long _read;

    /// <summary>The bytes read when the body went over the limit; <see langword="null"/> while it has not.</summary>
    public long? Exceeded { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _read;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Count(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        if (_read > maxBytes)
        {
            Exceeded ??= _read;
            throw new RequestBodyTooLargeException(_read, maxBytes);
        }

        return read;
    }
}
