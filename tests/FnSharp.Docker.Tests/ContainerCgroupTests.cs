using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>Finding a container's cgroup under a cgroup root laid out as each driver and version lays it out.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ContainerCgroupTests : IDisposable
{
    private readonly string _root = TestDirectories.Create("fnsharp-cgroup-");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(null, "system.slice/docker-abc.scope/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData(null, "docker/abc/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData(null, "unified/docker/abc/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData(null, "cpu,cpuacct/docker/abc/cpuacct.usage", "2500000\n", 2.5)]
    // The cgroupfs driver puts a container created with a cgroup parent (its fn's cgroup) at PARENT/ID.
    [InlineData("/fnsharp-node/fn-1", "fnsharp-node/fn-1/abc/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData("/fnsharp-node/fn-1", "unified/fnsharp-node/fn-1/abc/cpu.stat", "usage_usec 2500\n", 2.5)]
    [InlineData("/fnsharp-node/fn-1", "cpu,cpuacct/fnsharp-node/fn-1/abc/cpuacct.usage", "2500000\n", 2.5)]
    [InlineData("/fnsharp-node/fn-1", "cpuacct/fnsharp-node/fn-1/abc/cpuacct.usage", "2500000\n", 2.5)]
    public void Read_EachLayout_TheContainersCpuTime(string? parent, string path, string content, double ms)
    {
        Write(path, content);

        Assert.Equal(TimeSpan.FromMilliseconds(ms), new ContainerCgroup(_root, "abc", parent).Read());
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

    [Fact]
    public void Read_AfterDispose_Null()
    {
        Write("docker/abc/cpu.stat", "usage_usec 1000\n");
        var cgroup = new ContainerCgroup(_root, "abc");
        var first = cgroup.Read();

        cgroup.Dispose();

        Assert.Equal((TimeSpan.FromMilliseconds(1), null), (first, cgroup.Read()));
    }

    [Fact]
    public void Read_DisposedBeforeTheFirstRead_Null()
    {
        Write("docker/abc/cpu.stat", "usage_usec 1000\n");
        var cgroup = new ContainerCgroup(_root, "abc");

        cgroup.Dispose();

        Assert.Null(cgroup.Read());
    }

    private void Write(string path, string content)
    {
        var full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }
}
