using System.Globalization;
using FnSharp.Agent.Drivers;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>
/// The fns' CPU cgroups on the real engine and the host's cgroups: each fn's containers under its own cgroup, weighted by
/// the fn's memory, and the cgroup gone with the fn's last container. Skipped where the server could not write them.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DockerDriverCgroupTests : IAsyncLifetime
{
    private const string Root = "/sys/fs/cgroup";

    private static readonly string[] V1CpuHierarchies = ["cpu", "cpu,cpuacct"];

    private readonly string _node = TestFnContainers.NewNode();
    private readonly DockerDriver _driver;

    public DockerDriverCgroupTests()
    {
        _driver = TestFnContainers.NewDriver(_node);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _driver.RemoveLeftoversAsync(CancellationToken.None);
        await _driver.DisposeAsync();
    }

    [SkippableFact]
    public async Task CreateAsync_TwoFns_ContainersInTheirFnsCgroupsWeightedByMemoryAndGoneWithThem()
    {
        var small = TestFnContainers.Spec(TestFnContainers.TestFnImage, memoryMiB: 128);
        var large = TestFnContainers.Spec(TestFnContainers.TestFnImage, memoryMiB: 256);
        var containers = new List<IFnContainer>();
        foreach (var spec in new[] { small, large, large })
        {
            var container = await _driver.CreateAsync(spec, CancellationToken.None);
            containers.Add(container);
            await container.StartAsync(CancellationToken.None);
        }

        Skip.If(_driver.FnCgroupsUnavailable is not null, $"fns get no cgroup of their own here: {_driver.FnCgroupsUnavailable}");
        var v2 = File.Exists(Path.Combine(Root, "cgroup.controllers"));
        var cpu = v2 ? Root : V1CpuHierarchies.Select(h => Path.Combine(Root, h)).First(Directory.Exists);
        string FnDir(string hierarchy, ContainerSpec spec) => Path.Combine(hierarchy, _driver.FnCgroupOf(spec.FnId).TrimStart('/'));
        string Weight(ContainerSpec spec) => File.ReadAllText(Path.Combine(FnDir(cpu, spec), v2 ? "cpu.weight" : "cpu.shares")).Trim();

        Assert.Equal(
            v2 ? (FnCgroups.WeightOf(128), FnCgroups.WeightOf(256)) : (128L, 256L),
            (long.Parse(Weight(small), CultureInfo.InvariantCulture), long.Parse(Weight(large), CultureInfo.InvariantCulture)));
        Assert.Equal(
            [FnDir(cpu, small), FnDir(cpu, large), FnDir(cpu, large)],
            containers.Select(c => Path.GetDirectoryName(Directory.GetDirectories(cpu, c.Id, SearchOption.AllDirectories).Single())!));

        // The runner's CPU rules read each container's CPU time from its cgroup: found under its fn's cgroup too.
        Assert.All(containers, c => Assert.NotNull(c.ReadCpuTime()));

        foreach (var container in containers)
        {
            await container.RemoveAsync(CancellationToken.None);
        }

        string[] hierarchies = v2 ? [Root] : Directory.GetDirectories(Root);
        Assert.DoesNotContain(hierarchies.SelectMany(h => new[] { FnDir(h, small), FnDir(h, large) }), Directory.Exists);
    }
}
