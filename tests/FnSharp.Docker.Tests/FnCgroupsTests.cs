using FnSharp.Testing;
using FnSharp.Testing.Logging;

namespace FnSharp.Docker.Tests;

/// <summary>
/// The fns' CPU cgroups under a cgroup root laid out as cgroup v1 and v2 lay it out (a temporary directory: the files a
/// kernel would make are written by the test). Removal is rmdir, as on the cgroup file system: a directory the engine
/// would have made (empty) goes, the CPU hierarchy's (holding the weight file here) stays, so each test removes only where
/// the engine's directories are.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FnCgroupsTests : IDisposable
{
    private const long MiB = 1024 * 1024;

    private readonly string _root = TestDirectories.Create("fnsharp-fncgroups-");
    private readonly CapturingLogger _logger = new();

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(2, 1)]
    [InlineData(128, 5)]
    [InlineData(1024, 39)]
    [InlineData(262_144, 10_000)]
    public void WeightOf_Shares_TheEnginesConversionToCpuWeight(long shares, long weight) => Assert.Equal(weight, FnCgroups.WeightOf(shares));

    [Theory]
    [InlineData("cpu")]
    [InlineData("cpu,cpuacct")]
    public void Enter_V1_TheFnsCgroupWithSharesFromItsMemory(string cpuHierarchy)
    {
        Write(cpuHierarchy + "/cpu.shares", "1024\n");
        var cgroups = new FnCgroups(_root, "node/1", _logger);

        using var lease = cgroups.Enter("01FNA", 128 * MiB);

        Assert.Equal("/fnsharp-node_1/fn-01FNA", lease.Path);
        Assert.Equal("128", Read(cpuHierarchy + "/fnsharp-node_1/fn-01FNA/cpu.shares"));
        Assert.Null(cgroups.Unavailable);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void Enter_TwoFns_EachItsOwnCgroupWeightedByItsMemory()
    {
        var cgroups = Cgroups(("cpu/cpu.shares", "1024\n"));

        using var small = cgroups.Enter("A", 128 * MiB);
        using var large = cgroups.Enter("B", 512 * MiB);
        using var secondOfLarge = cgroups.Enter("B", 512 * MiB);

        Assert.Equal(("/fnsharp-n1/fn-A", "/fnsharp-n1/fn-B", "/fnsharp-n1/fn-B"), (small.Path, large.Path, secondOfLarge.Path));
        Assert.Equal(("128", "512"), (Read("cpu/fnsharp-n1/fn-A/cpu.shares"), Read("cpu/fnsharp-n1/fn-B/cpu.shares")));
    }

    [Fact]
    public void Enter_V2_CpuEnabledDownToTheFnAndItsWeightWritten()
    {
        var cgroups = Cgroups(("cgroup.controllers", "cpuset cpu io memory pids\n"), ("cgroup.subtree_control", "memory pids\n"));

        using var lease = cgroups.Enter("A", 1024 * MiB);

        Assert.True(cgroups.IsV2);
        Assert.Equal("/fnsharp-n1/fn-A", lease.Path);
        Assert.Equal(("+cpu", "+cpu", "39"), (Read("cgroup.subtree_control"), Read("fnsharp-n1/cgroup.subtree_control"), Read("fnsharp-n1/fn-A/cpu.weight")));
    }

    [Fact]
    public void Enter_NoCpuController_NoCgroupAndOneWarning()
    {
        var cgroups = Cgroups();

        using var first = cgroups.Enter("A", 128 * MiB);
        using var second = cgroups.Enter("B", 128 * MiB);

        Assert.Equal((null, null), (first.Path, second.Path));
        Assert.Contains("no CPU controller", cgroups.Unavailable, StringComparison.Ordinal);
        var warning = Assert.Single(_logger.Entries);
        Assert.Equal(3004, warning.EventId);
        Assert.Contains("no CPU controller", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enter_CgroupCannotBeMade_NoCgroupAndTheWarningNamesThePath()
    {
        var cgroups = Cgroups(("cpu/cpu.shares", "1024\n"), ("cpu/fnsharp-n1", "a file where the node's cgroup would be"));

        using var lease = cgroups.Enter("A", 128 * MiB);
        using var again = cgroups.Enter("A", 128 * MiB);

        Assert.Equal((null, null), (lease.Path, again.Path));
        Assert.Contains(Path.Combine(_root, "cpu", "fnsharp-n1", "fn-A"), Assert.Single(_logger.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Enter_Disabled_NoCgroupAndNothingWritten()
    {
        var cgroups = Cgroups(("cpu/cpu.shares", "1024\n"));
        cgroups.Disable("the engine's cgroup driver is 'systemd'");

        using var lease = cgroups.Enter("A", 128 * MiB);

        Assert.Null(lease.Path);
        Assert.False(Directory.Exists(Path.Combine(_root, "cpu", "fnsharp-n1")));
        Assert.Contains("systemd", Assert.Single(_logger.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_LastContainerOfTheFn_ItsCgroupGoesInEveryHierarchy()
    {
        var cgroups = Cgroups(("cpu/cpu.shares", "1024\n"));
        var first = cgroups.Enter("A", 128 * MiB);
        var second = cgroups.Enter("A", 128 * MiB);
        var memory = Path.Combine(_root, "memory", "fnsharp-n1", "fn-A");
        Directory.CreateDirectory(memory);

        first.Dispose();
        first.Dispose();
        var afterFirst = Directory.Exists(memory);
        second.Dispose();

        Assert.Equal((true, false), (afterFirst, Directory.Exists(memory)));
    }

    [Fact]
    public void RemoveAll_LeftoversOfAnEarlierRun_TheNodesFnsAndItsOwnGoNotAnotherNodes()
    {
        var node = Path.Combine(_root, "memory", "fnsharp-n1");
        var otherNode = Path.Combine(_root, "memory", "fnsharp-n2", "fn-B");
        Directory.CreateDirectory(Path.Combine(node, "fn-OLD"));
        Directory.CreateDirectory(Path.Combine(_root, "pids", "fnsharp-n1", "fn-OLD"));
        Directory.CreateDirectory(otherNode);
        var cgroups = Cgroups();

        cgroups.RemoveAll();

        Assert.Equal((false, false, true), (Directory.Exists(node), Directory.Exists(Path.Combine(_root, "pids", "fnsharp-n1")), Directory.Exists(otherNode)));
    }

    [Fact]
    public void Dispose_LeaseFromBeforeRemoveAll_LeavesTheFnsNewCgroupAlone()
    {
        var cgroups = Cgroups(("cpu/cpu.shares", "1024\n"));
        var before = cgroups.Enter("A", 128 * MiB);
        cgroups.RemoveAll();
        var after = cgroups.Enter("A", 128 * MiB);
        var memory = Path.Combine(_root, "memory", "fnsharp-n1", "fn-A");
        Directory.CreateDirectory(memory);

        before.Dispose();
        var afterStaleLease = Directory.Exists(memory);
        after.Dispose();

        Assert.Equal((true, false), (afterStaleLease, Directory.Exists(memory)));
    }

    /// <summary>Node n1's fn cgroups under the root once <paramref name="files"/> are written there.</summary>
    private FnCgroups Cgroups(params (string Path, string Content)[] files)
    {
        foreach (var (path, content) in files)
        {
            Write(path, content);
        }

        return new FnCgroups(_root, "n1", _logger);
    }

    private void Write(string path, string content)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    private string Read(string path) => File.ReadAllText(Path.Combine(_root, path)).Trim();
}
