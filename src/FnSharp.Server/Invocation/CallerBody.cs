namespace FnSharp.Server.Invocation;

/// <summary>
/// Where the answer of a call that outlives its caller (<see cref="FnSharp.Agent.Calls.CallRequest.OutlivesCaller"/>)
/// goes: to the caller's stream until the caller's token ends (the client went away), then nowhere, so that the answer
/// is still read to its end and the container kept. Writes are the caller's: the token passed to a write is ignored for
/// the caller's own.
/// </summary>
internal sealed class CallerBody(Stream caller, CancellationToken callerGone) : Stream
{
    /// <summary>Whether the caller went away before the answer ended: what came after was dropped.</summary>
    public bool CallerLeft { get; private set; }

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
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        ToCallerAsync(token => caller.WriteAsync(buffer, token));

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => ToCallerAsync(token => new ValueTask(caller.FlushAsync(token))).AsTask();

    /// <inheritdoc/>
    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Runs <paramref name="operation"/> on the caller's stream under the caller's token, unless the caller left; a failure because it left marks it so.</summary>
    private async ValueTask ToCallerAsync(Func<CancellationToken, ValueTask> operation)
    {
        if (CallerLeft || callerGone.IsCancellationRequested)
        {
            CallerLeft = true;
            return;
        }

        try
        {
            await operation(callerGone);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && callerGone.IsCancellationRequested)
        {
            CallerLeft = true;
        }
    }
}
