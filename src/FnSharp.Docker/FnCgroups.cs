using System.Globalization;
using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// One CPU cgroup per fn on this node (<c>/fnsharp-NODE/fn-ID</c>), under which the drivers put the fn's containers
/// (Docker's <c>HostConfig.CgroupParent</c>, runc's <c>linux.cgroupsPath</c>), so that a fn gets CPU in proportion to its
/// memory however many containers it has (issue 16's fairness; Lambda scales CPU with memory): the fn's cgroup has
/// <c>cpu.shares</c> (cgroup v1) or <c>cpu.weight</c> (v2) from <see cref="DockerHardening.CpuSharesOf"/>, and its
/// containers share it. A fn's cgroup is made at its first container and removed with its last; leftovers of an
/// earlier run of the node are removed at start-up (<see cref="RemoveAll"/>). When the cgroups cannot be written (the
/// server is not root, <c>/sys/fs/cgroup</c> is read-only, no CPU controller, an engine on another host or with the
/// systemd cgroup driver) one warning says why, and each container keeps its own weight from its memory as before.
/// Thread-safe.
/// </summary>
internal sealed class FnCgroups
{
    /// <summary>The prefix of a fn's cgroup under the node's.</summary>
    public const string FnPrefix = "fn-";

    // cgroup v1's names of the hierarchy with the CPU controller, alone or mounted with cpuacct.
    private static readonly string[] V1CpuHierarchies = ["cpu", "cpu,cpuacct", "cpuacct,cpu"];

    private readonly string _root;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _containers = new(StringComparer.Ordinal);
    private string? _unavailable;

    // Bumped by RemoveAll: the leases of an earlier generation no longer count.
    private int _generation;

    /// <summary>Creates the node's fn cgroups under <paramref name="root"/> (<c>/sys/fs/cgroup</c> on a host); nothing is written until the first <see cref="Enter"/>.</summary>
    /// <param name="root">The cgroup file system's mount point.</param>
    /// <param name="node">The node's name (<c>FN_NODE_NAME</c>), made safe for a path.</param>
    /// <param name="logger">Where the one warning goes when the cgroups cannot be written.</param>
    public FnCgroups(string root, string node, ILogger logger)
    {
        _root = root;
        _logger = logger;
        NodePath = "/fnsharp-" + Runc.RootfsCache.Sanitize(node);
        if (File.Exists(Path.Combine(root, "cgroup.controllers")))
        {
            IsV2 = true;
            CpuHierarchy = root;
        }
        else
        {
            CpuHierarchy = V1CpuHierarchies.Select(h => Path.Combine(root, h)).FirstOrDefault(h => File.Exists(Path.Combine(h, "cpu.shares")));
        }
    }

    /// <summary>The node's cgroup, parent of its fns' (<c>/fnsharp-NODE</c>), relative to the cgroup root.</summary>
    public string NodePath { get; }

    /// <summary>Whether the host runs cgroup v2 alone (the unified hierarchy at the root).</summary>
    public bool IsV2 { get; }

    /// <summary>The hierarchy with the CPU controller (the root on v2; <c>cpu</c> or <c>cpu,cpuacct</c> on v1), or <see langword="null"/> when there is none.</summary>
    public string? CpuHierarchy { get; }

    /// <summary>Why fn cgroups are not used, or <see langword="null"/> while they are.</summary>
    public string? Unavailable
    {
        get
        {
            lock (_lock)
            {
                return _unavailable;
            }
        }
    }

    /// <summary>
    /// cgroup v2's <c>cpu.weight</c> (1-10000) for cgroup v1's <c>cpu.shares</c> (2-262144), the conversion runc and the
    /// Docker engine make: <c>1 + (shares - 2) * 9999 / 262142</c>.
    /// </summary>
    public static long WeightOf(long shares) => 1 + ((Math.Clamp(shares, 2, 262_144) - 2) * 9999 / 262_142);

    /// <summary>The cgroup of fn <paramref name="fnId"/>, relative to the cgroup root: <c>/fnsharp-NODE/fn-ID</c>.</summary>
    public string PathOf(string fnId) => NodePath + "/" + FnPrefix + Runc.RootfsCache.Sanitize(fnId);

    /// <summary>Turns fn cgroups off for this run, with one warning naming <paramref name="reason"/>; the containers that entered one keep it.</summary>
    public void Disable(string reason)
    {
        lock (_lock)
        {
            DisableLocked(reason);
        }
    }

    /// <summary>
    /// Counts a container of fn <paramref name="fnId"/> (memory <paramref name="memoryBytes"/>) in the fn's cgroup, made
    /// (and its weight set from the memory, the latest container's) before the container is created.
    /// </summary>
    /// <returns>The lease, whose <see cref="FnCgroupLease.Path"/> is the cgroup to put the container under, or <see langword="null"/> when fn cgroups are not used; dispose it once the container is removed.</returns>
    public FnCgroupLease Enter(string fnId, long memoryBytes)
    {
        lock (_lock)
        {
            if (_unavailable is not null)
            {
                return new FnCgroupLease(null, () => { });
            }

            if (CpuHierarchy is null)
            {
                DisableLocked($"{_root} has no CPU controller");
                return new FnCgroupLease(null, () => { });
            }

            var path = PathOf(fnId);
            try
            {
                WriteWeight(path, DockerHardening.CpuSharesOf(memoryBytes));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                DisableLocked($"{Path.Combine(CpuHierarchy, path.TrimStart('/'))} cannot be written ({e.Message})");
                return new FnCgroupLease(null, () => { });
            }

            var key = Runc.RootfsCache.Sanitize(fnId);
            _containers[key] = _containers.GetValueOrDefault(key) + 1;
            var generation = _generation;
            return new FnCgroupLease(path, () => Leave(key, generation));
        }
    }

    /// <summary>
    /// Removes, in every hierarchy, the cgroups of this node's fns and the node's own, once all of the node's containers are
    /// gone (at start-up, those an earlier run left; at shutdown): the leases still held stop counting. What is busy stays.
    /// </summary>
    public void RemoveAll()
    {
        lock (_lock)
        {
            _containers.Clear();
            _generation++;
            foreach (var hierarchy in Hierarchies())
            {
                var node = Path.Combine(hierarchy, NodePath.TrimStart('/'));
                if (!Directory.Exists(node))
                {
                    continue;
                }

                foreach (var fn in Directory.GetDirectories(node, FnPrefix + "*"))
                {
                    TryRemoveDirectory(fn);
                }

                TryRemoveDirectory(node);
            }
        }
    }

    /// <summary>A container of the fn whose cgroup is named <paramref name="key"/>, counted in <paramref name="generation"/>, is gone: the fn's cgroup goes with its last.</summary>
    private void Leave(string key, int generation)
    {
        lock (_lock)
        {
            if (generation != _generation || !_containers.TryGetValue(key, out var count))
            {
                // Counted before a RemoveAll.
                return;
            }

            var left = count - 1;
            if (left > 0)
            {
                _containers[key] = left;
                return;
            }

            _containers.Remove(key);
            var relative = NodePath.TrimStart('/') + "/" + FnPrefix + key;
            foreach (var hierarchy in Hierarchies())
            {
                TryRemoveDirectory(Path.Combine(hierarchy, relative));
            }
        }
    }

    /// <summary>Makes the fn's cgroup (and the node's) in the CPU hierarchy and sets its weight; on v2 the CPU controller is first enabled for the children of the root and of the node's cgroup.</summary>
    private void WriteWeight(string path, long shares)
    {
        var fn = Path.Combine(CpuHierarchy!, path.TrimStart('/'));
        if (IsV2)
        {
            var node = Path.GetDirectoryName(fn)!;
            EnableCpu(CpuHierarchy!);
            Directory.CreateDirectory(node);
            EnableCpu(node);
            Directory.CreateDirectory(fn);
            File.WriteAllText(Path.Combine(fn, "cpu.weight"), WeightOf(shares).ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            Directory.CreateDirectory(fn);
            File.WriteAllText(Path.Combine(fn, "cpu.shares"), shares.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void EnableCpu(string cgroup)
    {
        var control = Path.Combine(cgroup, "cgroup.subtree_control");
        if (!File.Exists(control) || !File.ReadAllText(control).Split(' ', '\n').Contains("cpu"))
        {
            File.WriteAllText(control, "+cpu");
        }
    }

    /// <summary>Where a container's cgroup path is made: the root on v2; every mounted hierarchy on v1 (the engine and runc make the path in each).</summary>
    private string[] Hierarchies()
    {
        if (IsV2)
        {
            return [_root];
        }

        try
        {
            return Directory.GetDirectories(_root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private void DisableLocked(string reason)
    {
        if (_unavailable is null)
        {
            _unavailable = reason;
            DockerLog.FnCgroupsUnavailable(_logger, reason);
        }
    }

    /// <summary>rmdir: a cgroup's files go with it; one still holding a container's cgroup, or gone already, stays as it is.</summary>
    private static void TryRemoveDirectory(string path)
    {
        try
        {
            Directory.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Busy (a container's cgroup still in it) or not there in this hierarchy.
        }
    }
}
