namespace FnSharp.Server.Invocation;

/// <summary>
/// The response body of a trigger call, which drops what the function answers under a status that carries no
/// body (a <c>Fn-Http-Status</c> of 204, 205 or 304), as Go's server under Fn drops it: Kestrel refuses such a
/// write with an exception, which broke the answer off after its status and recorded the call as a 502.
/// </summary>
/// <param name="response">The client's response, whose status is set before the first write.</param>
internal sealed class TriggerResponseBody(HttpResponse response) : Stream
{
    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Whether HTTP allows a body under <paramref name="status"/> (Kestrel's rule: not 204, 205 or 304).</summary>
    /// <param name="status">The response's status.</param>
    public static bool AllowsBody(int status) =>
        status is not (StatusCodes.Status204NoContent or StatusCodes.Status205ResetContent or StatusCodes.Status304NotModified);

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        AllowsBody(response.StatusCode) ? response.Body.WriteAsync(buffer, cancellationToken) : ValueTask.CompletedTask;

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The response is written asynchronously.");

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => response.Body.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override void Flush() => throw new NotSupportedException("The response is flushed asynchronously.");

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();
}
