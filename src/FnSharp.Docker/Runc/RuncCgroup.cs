using System.Globalization;
using FnSharp.Agent.Resources;

namespace FnSharp.Docker.Runc;

/// <summary>
/// A runc container's cgroup (<c>linux.cgroupsPath</c>, <c>/fnsharp-NODE/fn-FNID/ID</c>) on this host: its OOM kills
/// (cgroup v2 <c>memory.events</c>, v1 <c>memory.oom_control</c>, both <c>oom_kill N</c>) and its CPU time.
/// </summary>
internal sealed class RuncCgroup
{
    private const string Root = "/sys/fs/cgroup";

    private readonly string _path;

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
    public TimeSpan? ReadCpuTime() => IsV2
        ? CgroupReader.ParseCpuStatUsage(Read(Path.Combine(Root, _path, "cpu.stat")))
        : CgroupReader.ParseCpuacctUsage(Read(Path.Combine(Root, "cpuacct", _path, "cpuacct.usage")) ?? Read(Path.Combine(Root, "cpu,cpuacct", _path, "cpuacct.usage")));

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
