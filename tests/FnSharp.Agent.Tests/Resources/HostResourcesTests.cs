using FnSharp.Agent.Resources;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Resources;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class HostResourcesTests
{
    private const long GiB = 1024L * 1024 * 1024;

    [Fact]
    public void Compute_CgroupV2Limit_SmallestLimitMinusHeadroom()
    {
        var files = Files(("/sys/fs/cgroup/memory.max", "4294967296\n"), ("/proc/meminfo", "MemAvailable:   20971520 kB\n"));

        var resources = HostResources.Compute(files, processorCount: 8, headroomMiB: 256, maxMemoryBytes: null, maxCpuMilliCpus: null);

        Assert.Equal(4096 - 256, resources.TotalMemoryMiB);
        Assert.Equal("its cgroup's memory.max less FN_MEMORY_HEADROOM_MIB=256", resources.MemoryBound);
        Assert.Equal(8000, resources.TotalCpuMilliCpus);
    }

    [Fact]
    public void Compute_CgroupV1LimitAndQuota_SmallestApplies()
    {
        var files = Files(
            ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "2147483648\n"),
            ("/proc/meminfo", "MemAvailable:   20971520 kB\n"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "150000\n"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n"));

        var resources = HostResources.Compute(files, processorCount: 4, headroomMiB: 0, maxMemoryBytes: null, maxCpuMilliCpus: null);

        Assert.Equal(2048, resources.TotalMemoryMiB);
        Assert.Equal("its cgroup's memory.limit_in_bytes less FN_MEMORY_HEADROOM_MIB=0", resources.MemoryBound);
        Assert.Equal(1500, resources.TotalCpuMilliCpus);
    }

    [Fact]
    public void Compute_UnlimitedCgroups_MemAvailableAndProcessorsApply()
    {
        var files = Files(
            ("/sys/fs/cgroup/memory.max", "max\n"),
            ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n"),
            ("/proc/meminfo", "MemAvailable:   8388608 kB\n"),
            ("/sys/fs/cgroup/cpu.max", "max 100000\n"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n"),
            ("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n"));

        var resources = HostResources.Compute(files, processorCount: 2, headroomMiB: 256, maxMemoryBytes: null, maxCpuMilliCpus: null);

        Assert.Equal(8192 - 256, resources.TotalMemoryMiB);
        Assert.Equal("its available memory, MemAvailable, less FN_MEMORY_HEADROOM_MIB=256", resources.MemoryBound);
        Assert.Equal(2000, resources.TotalCpuMilliCpus);
    }

    [Fact]
    public void Compute_ConfiguredCaps_CapTheHost()
    {
        var files = Files(("/proc/meminfo", "MemAvailable:   20971520 kB\n"));

        var resources = HostResources.Compute(files, processorCount: 8, headroomMiB: 256, maxMemoryBytes: 1 * GiB, maxCpuMilliCpus: 500);

        Assert.Equal(1024, resources.TotalMemoryMiB);
        Assert.Equal("FN_MAX_TOTAL_MEMORY_BYTES=1073741824", resources.MemoryBound);
        Assert.Equal(500, resources.TotalCpuMilliCpus);
    }

    [Fact]
    public void Compute_CapAboveTheHostLessHeadroom_TheHostsLimitBoundsIt()
    {
        var files = Files(("/proc/meminfo", "MemAvailable:   1048576 kB\n"));

        var resources = HostResources.Compute(files, processorCount: 8, headroomMiB: 256, maxMemoryBytes: 1 * GiB, maxCpuMilliCpus: null);

        Assert.Equal(1024 - 256, resources.TotalMemoryMiB);
        Assert.Equal("its available memory, MemAvailable, less FN_MEMORY_HEADROOM_MIB=256", resources.MemoryBound);
    }

    [Fact]
    public void Compute_MissingAndMalformedFiles_IgnoredInFavourOfTheOthers()
    {
        var files = Files(("/sys/fs/cgroup/memory.max", "garbage"), ("/sys/fs/cgroup/cpu.max", "??"), ("/proc/meminfo", "MemAvailable:   4194304 kB\n"));

        var resources = HostResources.Compute(files, processorCount: 2, headroomMiB: 0, maxMemoryBytes: 0, maxCpuMilliCpus: 0);

        Assert.Equal(4096, resources.TotalMemoryMiB);
        Assert.Equal(2000, resources.TotalCpuMilliCpus);
    }

    [Fact]
    public void Detect_ThisHost_SomeMemoryAndCpu()
    {
        var resources = HostResources.Detect(Environment.ProcessorCount, headroomMiB: 0, maxMemoryBytes: null, maxCpuMilliCpus: null);

        Assert.True(resources.TotalMemoryMiB > 0);
        Assert.True(resources.TotalCpuMilliCpus > 0);
    }

    private static Func<string, string?> Files(params (string Path, string Content)[] files) =>
        path => files.FirstOrDefault(f => f.Path == path).Content;
}
