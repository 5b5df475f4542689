using Docker.DotNet.Models;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>The hardening of <c>fn-compat.md</c> section 4 as the engine reports it, and the test function running under it.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DockerDriverHardeningTests : IAsyncLifetime
{
    private readonly string _node = TestFnContainers.NewNode();
    private readonly DockerDriver _driver;

    public DockerDriverHardeningTests()
    {
        _driver = TestFnContainers.NewDriver(_node);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _driver.RemoveLeftoversAsync(CancellationToken.None);
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task CreateAsync_DefaultOptions_HardeningLabelsAndBridgeInInspect()
    {
        var spec = TestFnContainers.Spec(TestFnContainers.TestFnImage, memoryMiB: 96);
        var container = await _driver.CreateAsync(spec, CancellationToken.None);

        var inspected = await TestFnContainers.InspectAsync(container.Id);

        var host = inspected.HostConfig!;
        var config = inspected.Config!;
        Assert.Equal("1000:1000", config.User);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Equal(["no-new-privileges"], host.SecurityOpt);
        Assert.True(host.ReadonlyRootfs);
        Assert.Equal("size=64m", host.Tmpfs!["/tmp"]);
        Assert.True(host.Init);
        Assert.Equal(96L * 1024 * 1024, host.Memory);
        Assert.Equal(host.Memory, host.MemorySwap);
        Assert.Equal(0, host.MemorySwappiness);
        Assert.Equal(50, host.PidsLimit);
        Assert.Equal(
            [("memlock", 65536L, 65536L), ("msgqueue", 819200L, 819200L), ("nofile", 350L, 350L), ("sigpending", 5000L, 5000L)],
            host.Ulimits!.Select(u => (u.Name, u.Soft, u.Hard)).OrderBy(u => u.Name, StringComparer.Ordinal));
        Assert.Equal("bridge", host.NetworkMode);
        Assert.Equal("true", config.Labels![DockerLabels.Managed]);
        Assert.Equal(_node, config.Labels![DockerLabels.Node]);
        Assert.Equal(spec.AppId, config.Labels![DockerLabels.AppId]);
        Assert.Equal(spec.FnId, config.Labels![DockerLabels.FnId]);
    }

    [Fact]
    public async Task StartAsync_FullHardening_TestFnServesAndSeesItsEnvironment()
    {
        var spec = TestFnContainers.Spec(TestFnContainers.TestFnImage);
        var container = await _driver.CreateAsync(spec, CancellationToken.None);
        await container.StartAsync(CancellationToken.None);

        var env = await TestFnContainers.AssertEchoesTheContractAsync(container, spec);

        Assert.StartsWith("fnsharp-", env["FN_LOGFRAME_NAME"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_StatusAndHeadersAsked_AnswerCarriesThem()
    {
        var container = await _driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);

        using var response = await TestFnContainers.CallAsync(container, "call-1", """{"status":502,"headers":{"Fn-Http-Status":"404","Fn-Http-H-X-Kind":"test"},"body":"nope"}""");

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("404", response.Headers.GetValues("Fn-Http-Status").Single());
        Assert.Equal("test", response.Headers.GetValues("Fn-Http-H-X-Kind").Single());
        Assert.Equal("nope", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task CreateAsync_NetworkNone_ContainerHasNoNetwork()
    {
        await using var driver = TestFnContainers.NewDriver(_node, o => o with { Network = "none" });
        var container = await driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);

        var inspected = await TestFnContainers.InspectAsync(container.Id);

        Assert.Equal("none", inspected.HostConfig!.NetworkMode);
        Assert.Equal(["none"], inspected.NetworkSettings!.Networks!.Keys);
    }

    [Fact]
    public async Task CreateAsync_HardeningOff_EngineDefaults()
    {
        await using var driver = TestFnContainers.NewDriver(_node, o => o with { Hardening = ContainerHardening.None });
        var container = await driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);

        ContainerInspectResponse inspected = await TestFnContainers.InspectAsync(container.Id);

        var host = inspected.HostConfig!;
        Assert.Equal(string.Empty, inspected.Config!.User);
        Assert.False(host.ReadonlyRootfs);
        Assert.Null(host.CapDrop);
        Assert.NotEqual(true, host.Init);
    }
}
