using Docker.DotNet.Models;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerHardeningTests
{
    private const long Memory = 128L * 1024 * 1024;

    [Fact]
    public void Apply_Defaults_FnsHardening()
    {
        var parameters = Apply(new ContainerHardening(), "bridge");
        var host = parameters.HostConfig!;

        Assert.Equal("1000:1000", parameters.User);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Equal(["no-new-privileges"], host.SecurityOpt);
        Assert.True(host.ReadonlyRootfs);
        Assert.Equal("size=64m", host.Tmpfs!["/tmp"]);
        Assert.True(host.Init);
        Assert.Equal(Memory, host.Memory);
        Assert.Equal(Memory, host.MemorySwap);
        Assert.Equal(0, host.MemorySwappiness);
        Assert.Equal(50, host.PidsLimit);
        Assert.Equal(
            [("memlock", 65536L, 65536L), ("msgqueue", 819200L, 819200L), ("nofile", 350L, 350L), ("sigpending", 5000L, 5000L)],
            host.Ulimits!.Select(u => (u.Name, u.Soft, u.Hard)).OrderBy(u => u.Name, StringComparer.Ordinal));
        Assert.Equal("bridge", host.NetworkMode);
    }

    [Theory]
    [InlineData(128, 128)]
    [InlineData(1024, 1024)]
    [InlineData(1, 2)]
    public void Apply_AnyHardening_CpuWeightProportionalToMemory(long memoryMiB, long shares)
    {
        var parameters = new CreateContainerParameters { HostConfig = new HostConfig() };

        DockerHardening.Apply(parameters, ContainerHardening.None, memoryMiB * 1024 * 1024, "none");

        Assert.Equal(shares, parameters.HostConfig.CPUShares);
    }

    [Fact]
    public void Apply_EverythingOff_OnlyMemoryAndNetwork()
    {
        var parameters = Apply(ContainerHardening.None, "none");
        var host = parameters.HostConfig!;

        Assert.Equal(string.Empty, parameters.User ?? string.Empty);
        Assert.Null(host.CapDrop);
        Assert.Null(host.SecurityOpt);
        Assert.False(host.ReadonlyRootfs);
        Assert.Null(host.Tmpfs);
        Assert.Null(host.Init);
        Assert.Equal(Memory, host.Memory);
        Assert.Equal(0, host.MemorySwap);
        Assert.Null(host.MemorySwappiness);
        Assert.Null(host.PidsLimit);
        Assert.Null(host.Ulimits);
        Assert.Equal("none", host.NetworkMode);
    }

    [Fact]
    public void Apply_OnePartOff_OthersStay()
    {
        var parameters = Apply(new ContainerHardening { ReadOnlyRootFilesystem = false, PidsLimit = 0, User = "" }, "bridge");

        Assert.Equal(string.Empty, parameters.User ?? string.Empty);
        var host = parameters.HostConfig!;
        Assert.False(host.ReadonlyRootfs);
        Assert.Null(host.PidsLimit);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.True(host.Init);
    }

    [Theory]
    [InlineData("fnsharp/testfn", "fnsharp/testfn:latest")]
    [InlineData("fnsharp/testfn:1.2", "fnsharp/testfn:1.2")]
    [InlineData("localhost:5000/fn", "localhost:5000/fn:latest")]
    [InlineData("localhost:5000/fn:3", "localhost:5000/fn:3")]
    [InlineData("fn@sha256:abc", "fn@sha256:abc")]
    public void WithTag_Reference_TagAddedOnlyWhenMissing(string image, string expected) => Assert.Equal(expected, ImagePuller.WithTag(image));

    [Fact]
    public void Validate_BadSetting_MessageNamesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new DockerDriverOptions { PullTimeoutMs = 0 }.Validate());

        Assert.Equal("PullTimeoutMs must be positive, not 0.", e.Message);
    }

    private static CreateContainerParameters Apply(ContainerHardening hardening, string network)
    {
        var parameters = new CreateContainerParameters { HostConfig = new HostConfig() };
        DockerHardening.Apply(parameters, hardening, Memory, network);
        return parameters;
    }
}
