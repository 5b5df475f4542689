namespace FnSharp.Server.Detached;

/// <summary>
/// Where a detached call's answer goes when its fn has a destination: the first <see cref="Limit"/> bytes
/// are kept for the destination's body, the rest only counted. One per attempt; a write-only stream.
/// </summary>
internal sealed class AnswerCapture(int limit) : Stream
{
    private readonly MemoryStream _kept = new();

    /// <summary>The most bytes kept.</summary>
    public int Limit { get; } = limit;

    /// <summary>How many bytes the answer had in all.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Whether the answer had more than <see cref="Limit"/> bytes (only the first were kept).</summary>
    public bool Truncated => TotalBytes > Limit;

    /// <summary>The bytes kept.</summary>
    public ReadOnlySpan<byte> Kept => _kept.GetBuffer().AsSpan(0, (int)_kept.Length);

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var room = Limit - (int)_kept.Length;
        if (room > 0)
        {
            _kept.Write(buffer[..Math.Min(room, buffer.Length)]);
        }

        TotalBytes += buffer.Length;
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _kept.Dispose();
        }

        base.Dispose(disposing);
    }
}
