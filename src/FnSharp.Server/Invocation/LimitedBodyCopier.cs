namespace FnSharp.Server.Invocation;

/// <summary>
/// Streams a function's response body to the client while enforcing <c>FN_MAX_RESPONSE_SIZE</c>
/// (Fn buffers the whole body to enforce it; FnSharp streams). The first bytes, up to the hold-back
/// (<c>FN_RESPONSE_HOLD_BACK_BYTES</c>, <see cref="HoldBackBytes"/> by default), are held back before
/// anything is sent, so that a body over the limit within them still gets a clean 502 <c>function
/// response body too large</c>; past that point an over-long body can only be cut off by aborting the
/// connection (the client's chunked body then lacks its last chunk). Without a limit nothing is held back.
/// </summary>
internal static class LimitedBodyCopier
{
    /// <summary>How much of the body is read before the response is committed by default, in bytes.</summary>
    public const int HoldBackBytes = 64 * 1024;

    private const int ChunkBytes = 16 * 1024;

    /// <summary>Copies <paramref name="body"/> to <paramref name="destination"/>.</summary>
    /// <param name="body">The function's response body.</param>
    /// <param name="contentLength">Its declared length, when the function sent one.</param>
    /// <param name="maxBytes">The most the body may hold, in bytes; 0 means no limit.</param>
    /// <param name="holdBackBytes">How much of the body to read before the response is committed, in bytes (at most one byte past <paramref name="maxBytes"/> is read).</param>
    /// <param name="destination">The client's response body.</param>
    /// <param name="startAsync">Commits the status and headers; called once, before the first byte is written.</param>
    /// <param name="cancellationToken">Cancels the copy (the client went away, or the call timed out).</param>
    public static async Task<BodyCopyResult> CopyAsync(Stream body, long? contentLength, long maxBytes, int holdBackBytes, Stream destination, Func<Task> startAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(startAsync);
        var limit = maxBytes > 0 ? maxBytes : long.MaxValue;
        if (contentLength > limit)
        {
            return BodyCopyResult.TooLarge;
        }

        // With a limit, hold back up to one byte past it (or the hold-back) to see whether the body
        // fits; without one, stream from the first byte.
        // A hold-back as large as the limit reads one byte past it, so that every answer over the limit gets the 502.
        var holdBack = new byte[maxBytes > 0 ? (int)(holdBackBytes >= limit ? limit + 1 : Math.Max(holdBackBytes, 0)) : 0];
        var held = 0;
        int read;
        while (held < holdBack.Length && (read = await body.ReadAsync(holdBack.AsMemory(held), cancellationToken)) > 0)
        {
            held += read;
        }

        if (held > limit)
        {
            return BodyCopyResult.TooLarge;
        }

        await startAsync();
        await destination.WriteAsync(holdBack.AsMemory(0, held), cancellationToken);
        long total = held;
        var chunk = new byte[ChunkBytes];
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
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
}
