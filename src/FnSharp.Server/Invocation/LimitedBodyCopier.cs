using System.Buffers;

namespace FnSharp.Server.Invocation;

/// <summary>
/// Streams a function's response body to the client while enforcing <c>FN_MAX_RESPONSE_SIZE</c>
/// (Fn buffers the whole body to enforce it; FnSharp streams). The first bytes, up to the hold-back
/// (<c>FN_RESPONSE_HOLD_BACK_BYTES</c>, <see cref="HoldBackBytes"/> by default), are held back before
/// anything is sent, so that a body over the limit within them still gets a clean 502 <c>function
/// response body too large</c>; past that point an over-long body can only be cut off by aborting the
/// connection (the client's chunked body then lacks its last chunk). Without a limit only what has already
/// arrived is taken before the answer starts (up to the hold-back), so that a streamed answer's first bytes
/// wait for nothing. A body that ends within what was taken is read whole before anything is sent: the
/// caller is told (<c>readWholeAsync</c>) so that the container goes back to its fn before the client is
/// answered, as Fn's agent frees the slot once the answer is in its buffer.
/// </summary>
internal static class LimitedBodyCopier
{
    /// <summary>How much of the body is read before the response is committed by default, in bytes.</summary>
    public const int HoldBackBytes = 64 * 1024;

    private const int ChunkBytes = 16 * 1024;

    /// <summary>The largest buffer taken from the shared pool (a hold-back set up to 256 MiB is allocated for its call instead).</summary>
    private const int PooledMaxBytes = 1024 * 1024;

    /// <summary>Copies <paramref name="body"/> to <paramref name="destination"/>.</summary>
    /// <param name="body">The function's response body.</param>
    /// <param name="contentLength">Its declared length, when the function sent one.</param>
    /// <param name="maxBytes">The most the body may hold, in bytes; 0 means no limit.</param>
    /// <param name="holdBackBytes">
    /// How much of the body to read before the response is committed, in bytes (at most one byte past
    /// <paramref name="maxBytes"/> is read); without a limit, how much of what has already arrived.
    /// </param>
    /// <param name="destination">The client's response body.</param>
    /// <param name="startAsync">Commits the status and headers; called once, before the first byte is written.</param>
    /// <param name="readWholeAsync">Called once, before <paramref name="startAsync"/>, when the whole body (within the limit) was read before anything is sent.</param>
    /// <param name="cancellationToken">Cancels the copy (the client went away, or the call timed out).</param>
    public static async Task<BodyCopyResult> CopyAsync(
        Stream body,
        long? contentLength,
        long maxBytes,
        int holdBackBytes,
        Stream destination,
        Func<Task> startAsync,
        Func<ValueTask>? readWholeAsync,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(startAsync);
        var limit = maxBytes > 0 ? maxBytes : long.MaxValue;
        if (contentLength > limit)
        {
            return BodyCopyResult.TooLarge;
        }

        // With a limit, hold back up to one byte past it (or the hold-back) to see whether the body fits. A hold-back
        // as large as the limit reads one byte past it, so that every answer over the limit gets the 502.
        var holdBackLength = maxBytes > 0 ? (int)(holdBackBytes >= limit ? limit + 1 : Math.Max(holdBackBytes, 0)) : Math.Max(holdBackBytes, 0);
        var holdBack = Rent(holdBackLength);
        Task<int>? pending = null;
        try
        {
            (var held, var ended, pending) = maxBytes > 0
                ? await HoldBackAsync(body, holdBack.AsMemory(0, holdBackLength), cancellationToken)
                : TakeArrived(body, holdBack.AsMemory(0, holdBackLength), cancellationToken);
            if (held > limit)
            {
                return BodyCopyResult.TooLarge;
            }

            if (ended && readWholeAsync is not null)
            {
                await readWholeAsync();
            }

            await startAsync();
            await destination.WriteAsync(holdBack.AsMemory(0, held), cancellationToken);
            if (ended)
            {
                return BodyCopyResult.Completed;
            }

            if (pending is not null)
            {
                // Without a limit: the read that would have waited fills the hold-back after what was sent.
                var read = await pending;
                if (read == 0)
                {
                    return BodyCopyResult.Completed;
                }

                await destination.WriteAsync(holdBack.AsMemory(held, read), cancellationToken);
                held += read;
            }

            return await StreamRestAsync(body, held, limit, destination, cancellationToken);
        }
        finally
        {
            // A read still under way (the answer failed before it was awaited) may yet write into the hold-back: not reused then.
            if (pending is not { IsCompleted: false })
            {
                Return(holdBack);
            }
        }
    }

    /// <summary>Reads into <paramref name="buffer"/> until it is full or the body ends.</summary>
    private static async Task<(int Held, bool Ended, Task<int>? Pending)> HoldBackAsync(Stream body, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var held = 0;
        while (held < buffer.Length)
        {
            var read = await body.ReadAsync(buffer[held..], cancellationToken);
            if (read == 0)
            {
                return (held, true, null);
            }

            held += read;
        }

        return (held, false, null);
    }

    /// <summary>
    /// Takes into <paramref name="buffer"/> what reads return at once, until one would wait (returned as
    /// <c>Pending</c>, to be awaited once the answer has started), the buffer is full, or the body ends.
    /// </summary>
    private static (int Held, bool Ended, Task<int>? Pending) TakeArrived(Stream body, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var held = 0;
        while (held < buffer.Length)
        {
            var read = body.ReadAsync(buffer[held..], cancellationToken);
            if (!read.IsCompleted)
            {
                return (held, false, read.AsTask());
            }

            var count = read.GetAwaiter().GetResult();
            if (count == 0)
            {
                return (held, true, null);
            }

            held += count;
        }

        return (held, false, null);
    }

    /// <summary>Streams the rest of the body, after the <paramref name="sent"/> bytes already sent, within <paramref name="limit"/>.</summary>
    private static async Task<BodyCopyResult> StreamRestAsync(Stream body, long sent, long limit, Stream destination, CancellationToken cancellationToken)
    {
        var total = sent;
        var chunk = Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    return BodyCopyResult.TooLargeAfterStart;
                }

                await destination.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
            }

            return BodyCopyResult.Completed;
        }
        finally
        {
            Return(chunk);
        }
    }

    private static byte[] Rent(int length) => length <= PooledMaxBytes ? ArrayPool<byte>.Shared.Rent(length) : new byte[length];

    private static void Return(byte[] buffer)
    {
        if (buffer.Length is > 0 and <= PooledMaxBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
