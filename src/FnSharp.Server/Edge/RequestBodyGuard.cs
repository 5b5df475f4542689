using System.Buffers;
using System.IO.Pipelines;

namespace FnSharp.Server.Edge;

/// <summary>
/// A request body as every route reads it, held to a pace and with Kestrel's own failures of a
/// malformed body made a 400 like its others:
/// <list type="bullet">
/// <item>Time is counted only while a read waits for the client. Each window of
/// <paramref name="window"/> of such waiting must bring at least <paramref name="bytesPerWindow"/>
/// bytes; when one ends short, the read waiting fails with 408 (a <see cref="BadHttpRequestException"/>),
/// and so does every later read. Kestrel's <c>MinRequestBodyDataRate</c> averages from the body's first
/// byte, so a client that sends half of a large body at once and then stalls, or sends a byte now and
/// then, holds its connection and the buffered half for hours; windows catch both.</item>
/// <item>Kestrel's chunked reader reports a chunk size past what it can count (<c>80000000</c> and
/// more) as a bare <see cref="IOException"/>, where its other framing errors are
/// <see cref="BadHttpRequestException"/>s (400): it becomes one too, instead of a 500, and every framing
/// error reads <c>malformed request body: </c> and Kestrel's reason, on every route.</item>
/// </list>
/// It reads Kestrel's body as a <see cref="PipeReader"/> and ends a read that waits (a stall, or the caller's
/// cancellation) with <see cref="PipeReader.CancelPendingRead"/>, then gives the read back
/// (<see cref="PipeReader.AdvanceTo(SequencePosition)"/>): the way Kestrel's body expects a read to end. A
/// cancellation token passed into Kestrel's read instead leaves its body "reading" for good, and the end of the
/// request then failed with "Reading is already in progress", logged by Kestrel as an error with its stack trace
/// for every stalled client.
/// </summary>
/// <param name="inner">Kestrel's request body (<c>HttpRequest.BodyReader</c>, taken before the body is replaced).</param>
/// <param name="window">How much waiting a window holds (<c>FN_REQUEST_BODY_TIMEOUT_MSECS</c>).</param>
/// <param name="bytesPerWindow">The least each window must bring (<see cref="EdgeErrors.BodyBytesPerWindow"/>).</param>
/// <param name="tooSlow">The 408 to answer, naming the settings.</param>
/// <param name="time">The clock of the windows.</param>
/// <param name="stalled">Runs once when a window ends short (the edge's one log line for the request); none by default.</param>
internal sealed class RequestBodyGuard(PipeReader inner, TimeSpan window, long bytesPerWindow, ApiError tooSlow, TimeProvider time, Action? stalled = null) : Stream
{
    private readonly Lock _lock = new();
    private ITimer? _timer;

    // The current window: waiting counted by reads that ended, and the bytes they brought.
    private TimeSpan _waited;
    private long _bytes;

    // While a read waits: since when its waiting is counted (its start, or the last window's end).
    private long _countedSince;
    private bool _waiting;
    private int _failed;
    private bool _disposed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    private bool Failed => Volatile.Read(ref _failed) == 1;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            if (Failed)
            {
                throw TooSlow();
            }

            cancellationToken.ThrowIfCancellationRequested();
            var pending = Start();
            ReadResult result;
            if (pending.IsCompleted)
            {
                // Data was there already: no waiting to count.
                result = await Translated(pending);
            }
            else
            {
                StartWaiting();
                try
                {
                    using (cancellationToken.UnsafeRegister(static r => ((PipeReader)r!).CancelPendingRead(), inner))
                    {
                        result = await Translated(pending);
                    }
                }
                finally
                {
                    StopWaiting();
                }
            }

            var data = result.Buffer;
            if (result.IsCanceled)
            {
                // Ended by the window's timer or the caller: the read is given back untouched, then the reason told.
                inner.AdvanceTo(data.Start);
                if (Failed)
                {
                    throw TooSlow();
                }

                cancellationToken.ThrowIfCancellationRequested();

                // A cancellation meant for a read that had completed already: this read goes on.
                continue;
            }

            if (data.IsEmpty && !result.IsCompleted)
            {
                inner.AdvanceTo(data.End);
                continue;
            }

            var read = (int)Math.Min(data.Length, buffer.Length);
            var taken = data.Slice(0, read);
            taken.CopyTo(buffer.Span);
            inner.AdvanceTo(taken.End);
            return Count(read);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Kestrel refuses synchronous reads unless AllowSynchronousIO, which the server never sets.
    public override int Read(byte[] buffer, int offset, int count) =>
        throw new InvalidOperationException("Synchronous reads of a request body are not allowed; read it asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_lock)
            {
                _disposed = true;
                _timer?.Dispose();
                _timer = null;
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Whether Kestrel's body read failed on the body's framing: its plain <see cref="IOException"/> (a chunk size it
    /// cannot count) or its own 400 (a chunk size that is not hex, a missing CRLF), both answered the same way.
    /// </summary>
    private static bool IsMalformed(Exception e) => e.GetType() == typeof(IOException) || e is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest };

    private static BadHttpRequestException Malformed(Exception e)
    {
        var error = EdgeErrors.MalformedBody(e.Message);
        return new BadHttpRequestException(error.Message, error.Status, e);
    }

    /// <summary>Kestrel's read, never with a token (see the class); its plain I/O error for a bad chunk made a 400.</summary>
    private ValueTask<ReadResult> Start()
    {
        try
        {
            return inner.ReadAsync(CancellationToken.None);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            throw Malformed(e);
        }
    }

    private static async ValueTask<ReadResult> Translated(ValueTask<ReadResult> pending)
    {
        try
        {
            return await pending;
        }
        catch (Exception e) when (IsMalformed(e))
        {
            throw Malformed(e);
        }
    }

    private BadHttpRequestException TooSlow() => new(tooSlow.Message, tooSlow.Status);

    private void StartWaiting()
    {
        lock (_lock)
        {
            _waiting = true;
            _countedSince = time.GetTimestamp();
            _timer ??= time.CreateTimer(static state => ((RequestBodyGuard)state!).OnWindowEnd(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(window - _waited, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopWaiting()
    {
        lock (_lock)
        {
            _waiting = false;
            _waited += time.GetElapsedTime(_countedSince);
            _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Adds a read's bytes to the window; a window whose waiting is over closes here or fails the read.</summary>
    private int Count(int read)
    {
        lock (_lock)
        {
            _bytes += read;
            if (_waited < window)
            {
                return read;
            }

            if (_bytes < bytesPerWindow && read > 0)
            {
                Fail();
            }
            else
            {
                _waited = TimeSpan.Zero;
                _bytes = 0;
            }
        }

        return Failed ? throw TooSlow() : read;
    }

    /// <summary>Marks the body too slow, once (under the lock).</summary>
    private void Fail()
    {
        if (Interlocked.Exchange(ref _failed, 1) == 0)
        {
            stalled?.Invoke();
        }
    }

    /// <summary>The timer: a read has waited out the window. A window that brought enough starts the next; one that did not fails the read.</summary>
    private void OnWindowEnd()
    {
        lock (_lock)
        {
            if (!_waiting || _disposed || _timer is null)
            {
                return;
            }

            var waited = _waited + time.GetElapsedTime(_countedSince);
            if (waited < window)
            {
                _timer.Change(window - waited, Timeout.InfiniteTimeSpan);
                return;
            }

            if (_bytes >= bytesPerWindow)
            {
                _waited = TimeSpan.Zero;
                _bytes = 0;
                _countedSince = time.GetTimestamp();
                _timer.Change(window, Timeout.InfiniteTimeSpan);
                return;
            }

            Fail();
        }

        try
        {
            // The read waiting ends with a cancelled result (ReadAsync answers 408).
            inner.CancelPendingRead();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The request ended meanwhile: nothing waits any more.
        }
    }
}
