using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>Finding a container's cgroup under a cgroup root laid out as each driver and version lays it out.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ContainerCgroupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("fnsharp-cgroup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("system.slice/docker-abc.scope/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData("docker/abc/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData("unified/docker/abc/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData("cpu,cpuacct/docker/abc/cpuacct.usage", "2500000\n", 2.5)]
    public void Read_EachLayout_TheContainersCpuTime(string path, string content, double ms)
    {
        Write(path, content);

        Assert.Equal(TimeSpan.FromMilliseconds(ms), new ContainerCgroup(_root, "abc").Read());
    }

    [Theory]
    [InlineData("fnsharp-node/fn-1/abc/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData("unified/fnsharp-node/fn-1/abc/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData("cpu,cpuacct/fnsharp-node/fn-1/abc/cpuacct.usage", "2500000\n", 2.5)]
    [InlineData("cpuacct/fnsharp-node/fn-1/abc/cpuacct.usage", "2500000\n", 2.5)]
    public void Read_UnderItsFnsCgroup_TheContainersCpuTime(string path, string content, double ms)
    {
        // The cgroupfs driver puts a container created with a cgroup parent (its fn's cgroup) at PARENT/ID.
        Write(path, content);

        Assert.Equal(TimeSpan.FromMilliseconds(ms), new ContainerCgroup(_root, "abc", "/fnsharp-node/fn-1").Read());
    }

    [Fact]
    public void Read_NoCgroupOfTheContainer_Null() => Assert.Null(new ContainerCgroup(_root, "abc").Read());

    [Fact]
    public void Read_CounterGrows_EachReadTheCurrentValue()
    {
        Write("docker/abc/cpu.stat", "usage_usec 1000\n");
        var cgroup = new ContainerCgroup(_root, "abc");
        var first = cgroup.Read();
        Write("docker/abc/cpu.stat", "usage_usec 4000\n");

        Assert.Equal((TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4)), (first!.Value, cgroup.Read()!.Value));
    }

    private void Write(string path, string content)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }
}
