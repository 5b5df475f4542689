using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Drivers;
using FnSharp.Testing;

namespace FnSharp.Docker.Tests;

/// <summary>
/// A container start on a host that has no inotify instance left (a real container, a really exhausted
/// host): readiness falls back to polling instead of failing the start. The instances are held only
/// while the readiness wait sets itself up (a few milliseconds), since the limit is the whole host's.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class InotifyExhaustionTests : IAsyncLifetime
{
    // Only a guard so that a broken wait fails the test instead of hanging it; no assertion is about time.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private readonly DockerDriver _driver = TestFnContainers.NewDriver(TestFnContainers.NewNode());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _driver.RemoveLeftoversAsync(CancellationToken.None);
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Start_HostOutOfInotifyInstances_ReadyByPollingAndServes()
    {
        var container = await _driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None);
        var directory = Path.GetDirectoryName(container.SocketPath)!;
        var running = new TaskCompletionSource<ContainerExit>().Task;
        InotifyWatcher? watcher;
        Task ready;
        using (InotifyInstances.HoldAllFree())
        {
            watcher = InotifyWatcher.TryCreate();
            ready = SocketReadiness.WaitAsync(container.Id, directory, running, Guard, watcher, TimeProvider.System, CancellationToken.None);
        }

        // The start by the test's own client: the driver's start would wait for readiness by its own watcher.
        using (var client = new DockerClientBuilder().WithEndpoint(new Uri(new DockerDriverOptions().Endpoint)).Build())
        {
            await client.Containers.StartContainerAsync(container.Id, new ContainerStartParameters());
        }

        await ready.WaitAsync(Guard);

        Assert.Null(watcher);
        using var response = await TestFnContainers.CallAsync(container, "call-1", """{"body":"up"}""");
        Assert.Equal("up", await response.Content.ReadAsStringAsync());
    }
}
