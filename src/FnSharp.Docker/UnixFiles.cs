using System.Runtime.InteropServices;

namespace FnSharp.Docker;

/// <summary>
/// <c>lstat(2)</c> from the C library: .NET tells symbolic links apart but not sockets, and the
/// http-stream contract asks for both checks on <c>lsnr.sock</c>.
/// </summary>
internal static partial class UnixFiles
{
    private const int Enoent = 2;
    private const int Enotdir = 20;
    private const uint TypeMask = 0xF000; // S_IFMT
    private const uint SocketType = 0xC000; // S_IFSOCK
    private const uint LinkType = 0xA000; // S_IFLNK
    private const uint RegularType = 0x8000; // S_IFREG

    /// <summary>The type of the file at <paramref name="path"/>, links not followed; <see langword="null"/> when there is none.</summary>
    /// <exception cref="IOException">lstat failed for another reason than a missing file.</exception>
    public static UnixFileKind? GetKind(string path)
    {
        if (LStat(path, out var stat) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno is Enoent or Enotdir ? null : throw new IOException($"lstat {path} failed with errno {errno}");
        }

        // st_mode sits after st_dev, st_ino and st_nlink (8 bytes each) on x86-64, and after st_dev, st_ino
        // (8 bytes each) on arm64 where st_nlink follows it.
        var mode = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? stat.ModeArm64 : stat.ModeX64;
        return (mode & TypeMask) switch
        {
            SocketType => UnixFileKind.Socket,
            LinkType => UnixFileKind.SymbolicLink,
            RegularType => UnixFileKind.Regular,
            _ => UnixFileKind.Other,
        };
    }

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LStat(string path, out StatBuffer buffer);

    // struct stat is 144 bytes on x86-64 and 128 on arm64; 256 leaves room on both.
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatBuffer
    {
        [FieldOffset(24)]
        public uint ModeX64;

        [FieldOffset(16)]
        public uint ModeArm64;
    }
}
