using FnSharp.Testing;
using FnSharp.Testing.Docker;
using FnSharp.Testing.Hosting;

namespace FnSharp.Cli.Tests;

/// <summary>
/// A function's way through a registry, as on a node that did not build it: <c>deploy --registry</c> builds and
/// pushes it to the real registry of <c>scripts/start-registry.sh</c>, the image leaves the engine, and a burst
/// of first calls on a real server (real Docker engine) pulls it once and is answered.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class RegistryEndToEndTests : IAsyncLifetime
{
    private const int Burst = 20;

    private readonly FunctionFolder _fn = new();
    private readonly TestRegistry _registry = TestRegistry.FromEnvironment();
    private readonly string _dockerConfig = TestDirectories.Create("fnsharp-dockercfg-");
    private readonly FnSharpServerFactory _server = new();
    private string _url = "";

    public Task InitializeAsync()
    {
        _url = _server.StartOnLoopback().ToString().TrimEnd('/');
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _fn.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dockerConfig, recursive: true);
    }

    [Fact]
    public async Task DeployPushed_ImageGoneFromTheEngine_BurstOfFirstCallsPullsItOnceAndAllAnswer()
    {
        _fn.WithDockerFunction();
        _fn.Write("Dockerfile", $"FROM {TestRegistry.BaseImage}\nCOPY hello.txt /hello.txt\n");
        var image = $"{_registry.Open}/{_registry.Namespace}/{_fn.Name}:0.0.2";
        var (code, _, error) = await CliRun.RunAsync(
            ["deploy", "--app", "shop", "--create-app", "--path", _fn.Path, "--registry", $"{_registry.Open}/{_registry.Namespace}", "--insecure-registry", "--api-url", _url],
            new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _dockerConfig });
        Assert.True(code == 0, error);
        await _registry.RemoveLocalAsync(image);
        Assert.False(await _registry.IsLocalAsync(image));
        var client = _server.CreateFnClient();
        var fn = (await client.ListFnsAsync(appId: (await client.ListAppsAsync(name: "shop")).Items[0].Id)).Items[0];

        var results = await Task.WhenAll(Enumerable.Range(0, Burst).Select(i => client.InvokeAsync(fn.Id, $$"""{"body": "call {{i}}"}""")));

        Assert.Equal(image, fn.Image);
        Assert.All(results, r => Assert.Equal(200, (int)r.StatusCode));
        Assert.Equal(Enumerable.Range(0, Burst).Select(i => $"call {i}"), results.Select(r => r.Body));
        Assert.Equal(1, _registry.ManifestRequests(image));
        Assert.True(await _registry.IsLocalAsync(image));
    }
}
