using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Protocol;
using FnSharp.Testing;
using FnSharp.Testing.Builders;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Docker.Tests;

/// <summary>Pause, unpause and exit state of a real container, with the hello image built by <c>scripts/build-images.sh</c>.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DockerContainerStateTests : IAsyncLifetime
{
    private const string HelloImage = "fnsharp/hello-csharp:latest";

    private readonly DockerDriver _driver = new(
        new DockerDriverOptions { Node = "test-" + Guid.NewGuid().ToString("N")[..12] }, TimeProvider.System, NullLogger<DockerDriver>.Instance);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _driver.RemoveLeftoversAsync(CancellationToken.None);
        _driver.Dispose();
    }

    [Fact]
    public async Task PauseAsync_ThenUnpause_ContainerServesCallsAgain()
    {
        var container = await StartHelloAsync();

        await container.PauseAsync(CancellationToken.None);
        var exitedWhilePaused = container.WaitForExitAsync(CancellationToken.None).IsCompleted;
        await container.UnpauseAsync(CancellationToken.None);

        Assert.False(exitedWhilePaused);
        Assert.Equal(200, await CallAsync(container));
        await container.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RemoveAsync_PausedContainer_Removed()
    {
        var container = await StartHelloAsync();
        await container.PauseAsync(CancellationToken.None);

        await container.RemoveAsync(CancellationToken.None);

        Assert.Equal(0, await _driver.RemoveLeftoversAsync(CancellationToken.None));
    }

    [Fact]
    public async Task WaitForExitAsync_RunningContainer_NoExitUntilRemovedThenKilledNotOomKilled()
    {
        var container = await StartHelloAsync();

        var exitedWhileRunning = container.WaitForExitAsync(CancellationToken.None).IsCompleted;
        await container.RemoveAsync(CancellationToken.None);
        var exited = container.WaitForExitAsync(CancellationToken.None);
        var completedAtRemoval = exited.IsCompletedSuccessfully;
        var exit = await exited;

        Assert.False(exitedWhileRunning);
        Assert.True(completedAtRemoval);
        Assert.Equal((137, false), (exit.ExitCode, exit.OomKilled));
    }

    private async Task<IFnContainer> StartHelloAsync()
    {
        var app = Models.App();
        var fn = Models.Fn(app, HelloImage);
        var spec = new ContainerSpec { Image = HelloImage, AppId = app.Id, FnId = fn.Id, MemoryMiB = fn.Memory, Environment = ContainerEnvironment.Build(app, fn) };
        var container = await _driver.CreateAsync(spec, CancellationToken.None);
        await container.StartAsync(CancellationToken.None);
        return container;
    }

    private static async Task<int> CallAsync(IFnContainer container)
    {
        using var client = new HttpStreamClient(container.SocketPath);
        using var body = new MemoryStream(Encoding.UTF8.GetBytes("{}"));
        using var response = await client.SendAsync("call-1", DateTimeOffset.UtcNow.AddSeconds(30), [], body, body.Length, CancellationToken.None);
        return (int)response.StatusCode;
    }
}
