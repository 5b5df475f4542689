using FnSharp.Agent.Drivers;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Docker.Tests;

/// <summary>A start while the engine does not answer (a stand-in engine, stopped): the driver says so, not that the container failed to initialize.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DockerDriverEngineDownTests : IAsyncLifetime
{
    private readonly FakeDockerEngine _engine = new();
    private DockerDriver? _driver;

    public async Task InitializeAsync()
    {
        await _engine.StartAsync();
        _driver = new DockerDriver(new DockerDriverOptions { Endpoint = _engine.Endpoint, Node = TestFnContainers.NewNode() }, TimeProvider.System, NullLogger<DockerDriver>.Instance);
        await _engine.StopAsync();
    }

    public async Task DisposeAsync()
    {
        _driver?.Dispose();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task CreateAsync_EngineDoesNotAnswer_EngineUnavailableNamingTheEngine()
    {
        var e = await Assert.ThrowsAsync<ContainerStartException>(() => _driver!.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None));

        Assert.Equal(ContainerStartError.EngineUnavailable, e.Error);
        Assert.StartsWith($"the container engine at {_engine.Endpoint} does not answer: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_SocketRootUnusable_NodeFaultBeforeTheEngineIsAsked()
    {
        var root = Path.Combine(TestDirectories.Create("fnsharp-iofs-file-"), "iofs");
        await File.WriteAllTextAsync(root, "");
        try
        {
            using var driver = new DockerDriver(new DockerDriverOptions { Endpoint = _engine.Endpoint, Node = TestFnContainers.NewNode(), IofsRoot = root }, TimeProvider.System, NullLogger<DockerDriver>.Instance);

            var e = await Assert.ThrowsAsync<ContainerStartException>(() => driver.CreateAsync(TestFnContainers.Spec(TestFnContainers.TestFnImage), CancellationToken.None));

            Assert.Equal(ContainerStartError.NodeFault, e.Error);
            Assert.StartsWith($"the containers' socket directory {root} is not usable", e.Reason, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(root);
        }
    }

    [Fact]
    public void IsUnreachable_AnswerOfTheEngine_NotAnOutage()
    {
        var refused = new global::Docker.DotNet.DockerApiException(System.Net.HttpStatusCode.InternalServerError, "invalid environment");

        Assert.False(DockerEngineClient.IsUnreachable(refused));
        Assert.True(DockerEngineClient.IsUnreachable(new HttpRequestException("Connection refused")));
    }
}
