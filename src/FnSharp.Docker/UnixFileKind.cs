namespace FnSharp.Docker;

/// <summary>The type of a file as <c>lstat</c> reports it (the <c>S_IFMT</c> bits of <c>st_mode</c>).</summary>
internal enum UnixFileKind
{
    /// <summary>Any type this driver does not care to tell apart (device, FIFO, ...).</summary>
    Other,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A symbolic link (<c>lstat</c> does not follow it).</summary>
    SymbolicLink,

    /// <summary>A unix domain socket.</summary>
    Socket,
}
