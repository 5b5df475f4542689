using Docker.DotNet;
using Docker.DotNet.Models;
using FnSharp.Agent.Calls;
using ContainerSpec = FnSharp.Agent.Drivers.ContainerSpec;
using FnSharp.Docker;
using FnSharp.Testing;
using FnSharp.Testing.Builders;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Server.Tests.Integration;

/// <summary>A server that starts after a killed one of the same node removes the containers it left.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class LeftoverContainersTests : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server = new();
    private readonly DockerClient _docker = new DockerClientBuilder().WithEndpoint(new Uri("unix:///var/run/docker.sock")).Build();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _docker.Dispose();
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
        Assert.Equal(2, (await ContainersOfNodeAsync()).Count);

        _server.CreateClient().Dispose();

        Assert.Empty(await ContainersOfNodeAsync());
    }

    private static ContainerSpec Spec()
    {
        var app = Models.App();
        var fn = Models.Fn(app, "fnsharp/hello-csharp:latest");
        return new ContainerSpec { Image = fn.Image, AppId = app.Id, FnId = fn.Id, MemoryMiB = fn.Memory, Environment = ContainerEnvironment.Build(app, fn) };
    }

    private async Task<IList<ContainerListResponse>> ContainersOfNodeAsync() =>
        await _docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.Node}={_server.NodeName}"] = true } },
        });
}
