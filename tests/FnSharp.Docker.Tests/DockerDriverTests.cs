using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Protocol;
using FnSharp.Testing;
using FnSharp.Testing.Builders;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Docker.Tests;

/// <summary>The Docker driver on the real engine, with the hello image built by <c>scripts/build-images.sh</c>.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DockerDriverTests : IAsyncLifetime
{
    private const string HelloImage = "fnsharp/hello-csharp:latest";

    private readonly string _node = "test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly DockerDriver _driver;

    public DockerDriverTests()
    {
        _driver = NewDriver();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _driver.RemoveLeftoversAsync(CancellationToken.None);
        _driver.Dispose();
    }

    [Fact]
    public async Task StartAsync_HelloImage_SocketAnswersCalls()
    {
        var container = await _driver.CreateAsync(Spec(HelloImage), CancellationToken.None);
        await container.StartAsync(CancellationToken.None);

        using var client = new HttpStreamClient(container.SocketPath);
        using var body = new MemoryStream(Encoding.UTF8.GetBytes("""{"name":"Docker"}"""));
        using var response = await client.SendAsync("call-1", DateTimeOffset.UtcNow.AddSeconds(30), [], body, body.Length, CancellationToken.None);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("""{"message":"Hello, Docker!"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("fdk-csharp/0.1.0", response.Headers.GetValues("Fn-Fdk-Version").Single());
        await container.RemoveAsync(CancellationToken.None);
        Assert.False(Directory.Exists(Path.GetDirectoryName(container.SocketPath)));
    }

    [Fact]
    public async Task CreateAsync_MissingImage_ImageNotFoundNamingTheImage()
    {
        var e = await Assert.ThrowsAsync<ContainerStartException>(() => _driver.CreateAsync(Spec("fnsharp/does-not-exist:0"), CancellationToken.None));

        Assert.Equal(ContainerStartError.ImageNotFound, e.Error);
        Assert.Contains("fnsharp/does-not-exist:0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ContainerExitsBeforeSocket_InitFailed()
    {
        // The FDK refuses a listener that is not unix:/path and exits.
        var spec = Spec(HelloImage);
        spec = spec with { Environment = new Dictionary<string, string>(spec.Environment) { ["FN_LISTENER"] = "tcp:0" } };
        var container = await _driver.CreateAsync(spec, CancellationToken.None);

        var e = await Assert.ThrowsAsync<ContainerStartException>(() => container.StartAsync(CancellationToken.None));

        Assert.Equal(ContainerStartError.InitFailed, e.Error);
        await container.RemoveAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RemoveLeftoversAsync_ContainersOfAnEarlierRun_RemovedOnlyForThisNode()
    {
        var leftover = await _driver.CreateAsync(Spec(HelloImage), CancellationToken.None);
        await leftover.StartAsync(CancellationToken.None);
        using var otherNode = new DockerDriver(new DockerDriverOptions { Node = _node + "-other" }, TimeProvider.System, NullLogger<DockerDriver>.Instance);
        using var restarted = NewDriver();

        Assert.Equal(0, await otherNode.RemoveLeftoversAsync(CancellationToken.None));
        Assert.Equal(1, await restarted.RemoveLeftoversAsync(CancellationToken.None));
        Assert.Equal(0, await restarted.RemoveLeftoversAsync(CancellationToken.None));
    }

    private DockerDriver NewDriver() =>
        new(new DockerDriverOptions { Node = _node }, TimeProvider.System, NullLogger<DockerDriver>.Instance);

    private static ContainerSpec Spec(string image)
    {
        var app = Models.App();
        var fn = Models.Fn(app, image);
        return new ContainerSpec { Image = image, AppId = app.Id, FnId = fn.Id, MemoryMiB = fn.Memory, Environment = ContainerEnvironment.Build(app, fn) };
    }
}
