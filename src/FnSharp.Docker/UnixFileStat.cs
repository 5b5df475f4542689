namespace FnSharp.Docker;

/// <summary>What <c>lstat(2)</c> tells of a file that the runc driver's root filesystems need.</summary>
/// <param name="Device">The device it is on (<c>st_dev</c>).</param>
/// <param name="Inode">Its inode on that device (<c>st_ino</c>): with <paramref name="Device"/>, the file itself, whatever its names.</param>
/// <param name="AllocatedBytes">The bytes the file takes on disk (<c>st_blocks</c> × 512), what <c>du</c> counts.</param>
/// <param name="Kind">Its type.</param>
internal readonly record struct UnixFileStat(ulong Device, ulong Inode, long AllocatedBytes, UnixFileKind Kind);
