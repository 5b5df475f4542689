using FnSharp.Agent.Calls;
using ContainerSpec = FnSharp.Agent.Drivers.ContainerSpec;
using FnSharp.Docker;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Builders;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Server.Tests.Integration;

/// <summary>A server that starts after a killed one of the same node removes the containers it left.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class LeftoverContainersTests : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server = new();
    private readonly EngineProbe _engine = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _engine.Dispose();
    }

    [Fact]
    public async Task Start_ContainersOfAKilledServerOfThisNode_Removed()
    {
        // The "killed" server: its driver creates and starts containers, and never removes them.
        var killed = new DockerDriver(new DockerDriverOptions { Node = _server.NodeName }, TimeProvider.System, NullLogger<DockerDriver>.Instance);
        var running = await killed.CreateAsync(Spec(), CancellationToken.None);
        await running.StartAsync(CancellationToken.None);
        await killed.CreateAsync(Spec(), CancellationToken.None);
        killed.Dispose();
        Assert.Equal(2, (await _engine.ContainersOfNodeAsync(_server.NodeName)).Count);

        _server.CreateClient().Dispose();

        Assert.Empty(await _engine.ContainersOfNodeAsync(_server.NodeName));
    }

    private static ContainerSpec Spec()
    {
        var app = Models.App();
        var fn = Models.Fn(app, "fnsharp/hello-csharp:latest");
        return new ContainerSpec { Image = fn.Image, AppId = app.Id, FnId = fn.Id, MemoryMiB = fn.Memory, Environment = ContainerEnvironment.Build(app, fn) };
    }
}
