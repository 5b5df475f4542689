using System.Globalization;
using FnSharp.Agent.Resources;

namespace FnSharp.Docker.Runc;

/// <summary>
/// A runc container's cgroup (<c>linux.cgroupsPath</c>, <c>/fnsharp-NODE/fn-FNID/ID</c>) on this host: its OOM kills
/// (cgroup v2 <c>memory.events</c>, v1 <c>memory.oom_control</c>, both <c>oom_kill N</c>) and its CPU time.
/// </summary>
internal sealed class RuncCgroup : IDisposable
{
    private const string Root = "/sys/fs/cgroup";

    private readonly Lock _lock = new();
    private readonly string _path;

    // The CPU file, kept open from the first reading that found it until Dispose (see CgroupCpuFile).
    private CgroupCpuFile? _cpu;
    private bool _disposed;

    public RuncCgroup(string path)
    {
        _path = path.TrimStart('/');
    }

    /// <summary>Whether the host runs cgroup v2 alone (the unified hierarchy at <c>/sys/fs/cgroup</c>).</summary>
    public static bool IsV2 { get; } = File.Exists(Path.Combine(Root, "cgroup.controllers"));

    /// <summary>How many processes of the container the kernel killed for its memory limit; 0 when the cgroup cannot be read.</summary>
    public long ReadOomKills() =>
        ParseOomKills(Read(IsV2 ? Path.Combine(Root, _path, "memory.events") : Path.Combine(Root, "memory", _path, "memory.oom_control")));

    /// <summary>The container's CPU time so far, or <see langword="null"/> when its cgroup cannot be read.</summary>
    public TimeSpan? ReadCpuTime() => (Volatile.Read(ref _cpu) ?? OpenCpu())?.Read();

    /// <summary>Closes the CPU file (the container is removed); a reading from now on says nothing.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _cpu?.Dispose();
        }
    }

    /// <summary>The <c>oom_kill</c> count of <c>memory.events</c> or <c>memory.oom_control</c>; 0 when absent.</summary>
    public static long ParseOomKills(string? content)
    {
        foreach (var line in (content ?? string.Empty).Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is ["oom_kill", var count] && long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var kills))
            {
                return kills;
            }
        }

        return 0;
    }

    /// <summary>Opens the CPU file, unless it is open already or the cgroup is not there (yet): the container may not have started.</summary>
    private CgroupCpuFile? OpenCpu()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return null;
            }

            return _cpu ??= IsV2
                ? CgroupCpuFile.Open(Path.Combine(Root, _path, "cpu.stat"), v1: false)
                : CgroupCpuFile.Open(Path.Combine(Root, "cpuacct", _path, "cpuacct.usage"), v1: true) ?? CgroupCpuFile.Open(Path.Combine(Root, "cpu,cpuacct", _path, "cpuacct.usage"), v1: true);
        }
    }

    private static string? Read(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
