namespace FnSharp.Server.Invocation;

/// <summary>
/// Streams a function's response body to the client while enforcing <c>FN_MAX_RESPONSE_SIZE</c>
/// (Fn buffers the whole body to enforce it; FnSharp streams). The first
/// <see cref="HoldBackBytes"/> bytes are held back before anything is sent, so that a small body
/// over a small limit still gets a clean 502 <c>function response body too large</c>; past that
/// point an over-long body can only be cut off by aborting the connection. Without a limit nothing
/// is held back.
/// </summary>
internal static class LimitedBodyCopier
{
    /// <summary>How much of the body is read before the response is committed, in bytes.</summary>
    public const int HoldBackBytes = 64 * 1024;

    private const int ChunkBytes = 16 * 1024;

    /// <summary>Copies <paramref name="body"/> to <paramref name="destination"/>.</summary>
    /// <param name="body">The function's response body.</param>
    /// <param name="contentLength">Its declared length, when the function sent one.</param>
    /// <param name="maxBytes">The most the body may hold, in bytes; 0 means no limit.</param>
    /// <param name="destination">The client's response body.</param>
    /// <param name="startAsync">Commits the status and headers; called once, before the first byte is written.</param>
    /// <param name="cancellationToken">Cancels the copy (the client went away, or the call timed out).</param>
    public static async Task<BodyCopyResult> CopyAsync(Stream body, long? contentLength, long maxBytes, Stream destination, Func<Task> startAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(startAsync);
        var limit = maxBytes > 0 ? maxBytes : long.MaxValue;
        if (contentLength > limit)
        {
            return BodyCopyResult.TooLarge;
        }

        // With a limit, hold back up to one byte past it (or the hold-back size) to see whether the body
        // fits; without one, stream from the first byte.
        var holdBack = new byte[maxBytes > 0 ? (int)Math.Min(HoldBackBytes, limit + 1) : 0];
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
