using FnSharp.Agent.Resources;
using Microsoft.Win32.SafeHandles;

namespace FnSharp.Docker;

/// <summary>
/// A container's cgroup file of CPU time (cgroup v2 <c>cpu.stat</c> or v1 <c>cpuacct.usage</c>), opened once and read
/// again from its start at each reading: the kernel writes the file anew for every read from offset 0. A container's
/// CPU is read at each of its calls' ends, and opening the file each time (a path walk, a <see cref="FileStream"/>, a
/// reader and the text) cost the server more than the read itself (docs/benchmarks.md).
/// </summary>
internal sealed class CgroupCpuFile : IDisposable
{
    // cpu.stat holds usage_usec on its first line, and its whole text is a few hundred bytes.
    private const int ReadBytes = 512;

    private readonly SafeFileHandle _handle;
    private readonly bool _v1;

    private CgroupCpuFile(SafeFileHandle handle, bool v1)
    {
        _handle = handle;
        _v1 = v1;
    }

    /// <summary>Opens <paramref name="path"/>, v1's <c>cpuacct.usage</c> when <paramref name="v1"/>; <see langword="null"/> when it cannot be opened.</summary>
    public static CgroupCpuFile? Open(string path, bool v1)
    {
        try
        {
            return new CgroupCpuFile(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), v1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The CPU time the file says now, or <see langword="null"/> when it cannot be read (its cgroup is gone, the file is closed) or says nothing readable.</summary>
    public TimeSpan? Read()
    {
        Span<byte> buffer = stackalloc byte[ReadBytes];
        int read;
        try
        {
            read = RandomAccess.Read(_handle, buffer, fileOffset: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException or NotSupportedException)
        {
            return null;
        }

        var content = buffer[..read];
        return _v1 ? CgroupReader.ParseCpuacctUsage(content) : CgroupReader.ParseCpuStatUsage(content);
    }

    /// <summary>Closes the file; a read from now on says nothing.</summary>
    public void Dispose() => _handle.Dispose();
}
