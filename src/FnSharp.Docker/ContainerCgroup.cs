using FnSharp.Agent.Resources;

namespace FnSharp.Docker;

/// <summary>
/// Finds a Docker container's cgroup on this host and reads its CPU time: cgroup v2 with the systemd
/// driver (<c>system.slice/docker-ID.scope</c>) or the cgroupfs driver (<c>docker/ID</c>), the v2 tree of a
/// hybrid host (<c>unified/docker/ID</c>), or cgroup v1's <c>cpuacct</c>; a container created under its fn's
/// cgroup (<see cref="FnCgroups"/>, the cgroupfs driver) at <c>PARENT/ID</c> in each. A server that does not see the
/// host's cgroups (in a container itself) finds none, and reads nothing. The file found is kept open
/// (<see cref="CgroupCpuFile"/>) until <see cref="Dispose"/>, once the container is removed.
/// </summary>
internal sealed class ContainerCgroup : IDisposable
{
    private readonly Lock _lock = new();
    private readonly string _root;
    private readonly string _id;
    private readonly string? _parent;
    private CgroupCpuFile? _file;
    private volatile bool _searched;

    /// <summary>
    /// Creates the reader of container <paramref name="id"/>'s cgroup under <paramref name="root"/> (<c>/sys/fs/cgroup</c>
    /// on a host); <paramref name="parent"/> is the cgroup parent it was created under (its fn's cgroup, see
    /// <see cref="FnCgroups"/>), or <see langword="null"/> for the engine's default.
    /// </summary>
    public ContainerCgroup(string root, string id, string? parent = null)
    {
        _root = root;
        _id = id;
        _parent = string.IsNullOrEmpty(parent) ? null : parent.Trim('/');
    }

    /// <summary>
    /// The paths tried, in order, relative to the cgroup root: (path, whether it is v1's <c>cpuacct.usage</c>); under
    /// <paramref name="parent"/> first (the cgroupfs driver puts a container with a cgroup parent at <c>PARENT/ID</c>).
    /// </summary>
    public static IEnumerable<(string Path, bool V1)> Candidates(string id, string? parent = null) =>
    [
        .. parent is null ? [] : new (string, bool)[]
        {
            ($"{parent}/{id}/cpu.stat", false),
            ($"unified/{parent}/{id}/cpu.stat", false),
            ($"cpu,cpuacct/{parent}/{id}/cpuacct.usage", true),
            ($"cpuacct/{parent}/{id}/cpuacct.usage", true),
        },
        ($"system.slice/docker-{id}.scope/cpu.stat", false),
        ($"docker/{id}/cpu.stat", false),
        ($"unified/system.slice/docker-{id}.scope/cpu.stat", false),
        ($"unified/docker/{id}/cpu.stat", false),
        ($"cpu,cpuacct/system.slice/docker-{id}.scope/cpuacct.usage", true),
        ($"cpu,cpuacct/docker/{id}/cpuacct.usage", true),
        ($"cpuacct/docker/{id}/cpuacct.usage", true),
    ];

    /// <summary>The container's CPU time so far, or <see langword="null"/> when its cgroup cannot be read.</summary>
    public TimeSpan? Read()
    {
        if (!_searched)
        {
            Search();
        }

        return Volatile.Read(ref _file)?.Read();
    }

    /// <summary>Closes the cgroup's file (the container is removed); a read from now on says nothing.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _searched = true;
            _file?.Dispose();
        }
    }

    /// <summary>Finds and opens the container's file, once: a cgroup not there at the first reading is not looked for again.</summary>
    private void Search()
    {
        lock (_lock)
        {
            if (_searched)
            {
                return;
            }

            foreach (var (path, v1) in Candidates(_id, _parent))
            {
                var full = Path.Combine(_root, path);
                if (File.Exists(full))
                {
                    _file = CgroupCpuFile.Open(full, v1);
                    break;
                }
            }

            _searched = true;
        }
    }
}
