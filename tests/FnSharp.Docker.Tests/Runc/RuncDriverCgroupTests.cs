using FnSharp.Testing;
using FnSharp.Testing.Docker;

namespace FnSharp.Docker.Tests.Runc;

/// <summary>The runc driver's containers under their fns' CPU cgroups, weighted by memory, and the cgroups gone with them.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class RuncDriverCgroupTests
{
    // Only a guard so that a broken driver fails the test instead of hanging it; no assertion is about time.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task CreateAsync_TwoFns_EachContainerInItsFnsCgroupAndTheCgroupsGoneWithThem()
    {
        RuncProbe.SkipUnlessAvailable();
        var v2 = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        Skip.IfNot(v2 || File.Exists("/sys/fs/cgroup/cpu/cpu.shares"), "no writable CPU controller at /sys/fs/cgroup (cgroup v2, or v1's cpu hierarchy)");
        await using var runc = new RuncTestDriver();
        var small = TestFnContainers.Spec(TestFnContainers.TestFnImage, memoryMiB: 128);
        var large = TestFnContainers.Spec(TestFnContainers.TestFnImage, memoryMiB: 256);
        var first = await runc.Driver.CreateAsync(small, CancellationToken.None);
        var second = await runc.Driver.CreateAsync(large, CancellationToken.None);
        await Task.WhenAll(first.StartAsync(CancellationToken.None), second.StartAsync(CancellationToken.None)).WaitAsync(Guard);

        // The cgroup of each container's init process, as the kernel reports it (v2's "0::" line, or v1's cpu line).
        string CgroupOf(string id) => File.ReadAllLines($"/proc/{runc.State(id).Pid}/cgroup")
            .Select(l => l.Split(':', 3))
            .First(f => v2 ? f[0] == "0" : f[1].Split(',').Contains("cpu"))[2];
        var node = "/fnsharp-" + runc.Node;
        Assert.Equal(
            ($"{node}/fn-{small.FnId}/{first.Id}", $"{node}/fn-{large.FnId}/{second.Id}"),
            (CgroupOf(first.Id), CgroupOf(second.Id)));
        var cpu = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/cpu";
        var weights = (File.ReadAllText($"{cpu}{node}/fn-{small.FnId}/{(v2 ? "cpu.weight" : "cpu.shares")}").Trim(), File.ReadAllText($"{cpu}{node}/fn-{large.FnId}/{(v2 ? "cpu.weight" : "cpu.shares")}").Trim());
        Assert.Equal(v2 ? ($"{FnCgroups.WeightOf(128)}", $"{FnCgroups.WeightOf(256)}") : ("128", "256"), weights);

        // The runner's CPU rules read each container's CPU time from its cgroup, under its fn's.
        Assert.Equal((true, true), (first.ReadCpuTime() is not null, second.ReadCpuTime() is not null));

        await first.RemoveAsync(CancellationToken.None);
        await second.RemoveAsync(CancellationToken.None);

        Assert.False(Directory.Exists($"{cpu}{node}/fn-{small.FnId}") || Directory.Exists($"{cpu}{node}/fn-{large.FnId}"));
    }
}
