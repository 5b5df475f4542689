using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FnSharp.Docker;

/// <summary>
/// <c>lstat(2)</c> and <c>flock(2)</c> from the C library: .NET tells symbolic links apart but not sockets, and the
/// http-stream contract asks for both checks on <c>lsnr.sock</c>; it neither tells a file's inode and blocks (what
/// <c>du</c> counts) nor locks a directory, which the runc driver's root filesystems need (<see cref="Runc.RootfsLock"/>).
/// </summary>
internal static partial class UnixFiles
{
    private const int Enoent = 2;
    private const int Enotdir = 20;
    private const uint TypeMask = 0xF000; // S_IFMT
    private const uint SocketType = 0xC000; // S_IFSOCK
    private const uint LinkType = 0xA000; // S_IFLNK
    private const uint RegularType = 0x8000; // S_IFREG
    private const uint DirectoryType = 0x4000; // S_IFDIR
    private const int Eintr = 4;
    private const int Ewouldblock = 11;
    private const int OpenReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC, the same on x86-64 and arm64

    /// <summary>The type of the file at <paramref name="path"/>, links not followed; <see langword="null"/> when there is none.</summary>
    /// <exception cref="IOException">lstat failed for another reason than a missing file.</exception>
    public static UnixFileKind? GetKind(string path)
    {
        if (LStat(path, out var stat) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is Enoent or Enotdir ? null : throw new IOException($"lstat {path} failed with errno {errno}");
        }

        return KindOf(stat.Mode);
    }

    /// <summary>
    /// The identity and size on disk of the file at <paramref name="path"/>, links not followed; <see langword="null"/>
    /// when there is none.
    /// </summary>
    /// <exception cref="IOException">lstat failed for another reason than a missing file.</exception>
    public static UnixFileStat? Stat(string path)
    {
        if (LStat(path, out var stat) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is Enoent or Enotdir ? null : throw new IOException($"lstat {path} failed with errno {errno}");
        }

        return stat.ToStat();
    }

    /// <summary>The identity and size on disk of the file open as <paramref name="handle"/>.</summary>
    /// <exception cref="IOException">fstat failed.</exception>
    public static UnixFileStat Stat(SafeFileHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return FStat(handle, out var stat) == 0 ? stat.ToStat() : throw new IOException($"fstat failed with errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>
    /// Opens <paramref name="path"/>, a directory or a file, read-only and closed on exec, only to lock it
    /// (<see cref="TryLock"/>); <see langword="null"/> when there is none.
    /// </summary>
    /// <exception cref="IOException">open failed for another reason than a missing file.</exception>
    public static SafeFileHandle? OpenForLock(string path)
    {
        var fd = Open(path, OpenReadOnlyCloseOnExec);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is Enoent or Enotdir ? null : throw new IOException($"open {path} failed with errno {errno}");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// <c>flock(2)</c>: takes the lock of the file open as <paramref name="handle"/>, shared or exclusive; waits for it
    /// when <paramref name="wait"/>, else returns <see langword="false"/> when another open file holds a lock that
    /// excludes it. The lock goes when the handle is closed (by every process that shares it).
    /// </summary>
    /// <exception cref="IOException">flock failed for another reason.</exception>
    public static bool TryLock(SafeFileHandle handle, bool exclusive, bool wait)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var operation = (exclusive ? 2 : 1) | (wait ? 0 : 4); // LOCK_EX or LOCK_SH, LOCK_NB
        while (Flock(handle, operation) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Ewouldblock && !wait)
            {
                return false;
            }

            if (errno != Eintr)
            {
                throw new IOException($"flock failed with errno {errno}");
            }
        }

        return true;
    }

    /// <summary>
    /// Opens <paramref name="path"/> (<see cref="OpenForLock"/>) and takes its lock (<see cref="TryLock"/>), kept only while
    /// the file at the path is still the one locked: between the open and the lock, a holder letting go may have moved or
    /// removed it, and another put in its place, whose lock is the one that counts.
    /// </summary>
    /// <param name="path">The file or directory to lock.</param>
    /// <param name="exclusive">Exclusive, else shared.</param>
    /// <param name="wait">Wait for the lock, else give up when another open file holds one that excludes it.</param>
    /// <param name="held">When no lock is returned: whether another open file holds one (else the path is gone or was replaced).</param>
    /// <returns>The handle that holds the lock until it is closed, or <see langword="null"/>.</returns>
    /// <exception cref="IOException">open, flock or stat failed for another reason.</exception>
    public static SafeFileHandle? LockAtPath(string path, bool exclusive, bool wait, out bool held)
    {
        held = false;
        var handle = OpenForLock(path);
        if (handle is null)
        {
            return null;
        }

        try
        {
            if (!TryLock(handle, exclusive, wait))
            {
                held = true;
                handle.Dispose();
                return null;
            }

            var locked = Stat(handle);
            if (Stat(path) is not { } current || (current.Device, current.Inode) != (locked.Device, locked.Inode))
            {
                handle.Dispose();
                return null;
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static UnixFileKind KindOf(uint mode) => (mode & TypeMask) switch
    {
        SocketType => UnixFileKind.Socket,
        LinkType => UnixFileKind.SymbolicLink,
        RegularType => UnixFileKind.Regular,
        DirectoryType => UnixFileKind.Directory,
        _ => UnixFileKind.Other,
    };

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LStat(string path, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(SafeFileHandle fd, out StatBuffer buffer);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(SafeFileHandle fd, int operation);

    // struct stat is 144 bytes on x86-64 and 128 on arm64; 256 leaves room on both. st_dev and st_ino come first
    // (8 bytes each), st_size at 48 and st_blocks (512-byte units) at 64 on both; st_mode sits after st_nlink (8 bytes)
    // on x86-64, and before it on arm64.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatBuffer
    {
        [FieldOffset(0)]
        public ulong Device;

        [FieldOffset(8)]
        public ulong Inode;

        [FieldOffset(16)]
        public uint ModeArm64;

        [FieldOffset(24)]
        public uint ModeX64;

        [FieldOffset(64)]
        public long Blocks;

        public readonly uint Mode => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? ModeArm64 : ModeX64;

        public readonly UnixFileStat ToStat() => new(Device, Inode, Blocks * 512, KindOf(Mode));
    }
}
