namespace FnSharp.Docker;

/// <summary>The rule of the http-stream contract for <c>lsnr.sock</c> as a symbolic link (<c>fn-compat.md</c> section 4).</summary>
internal static class SocketLink
{
    /// <summary>
    /// Whether a link target is a plain name in the link's own directory (for example <c>phonylsnr.sock</c>):
    /// not absolute, no <c>/</c>, not <c>.</c> or <c>..</c>, not empty. Anything else could point the
    /// platform outside the container's socket directory.
    /// </summary>
    public static bool IsValidTarget(string? target) =>
        target is { Length: > 0 }
        && target is not "." and not ".."
        && !target.Contains('/', StringComparison.Ordinal)
        && !target.Contains('\0', StringComparison.Ordinal);
}
