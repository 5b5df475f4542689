using System.Text;
using System.Text.Json;
using FnSharp.Testing;
using FnSharp.Testing.Docker;

namespace FnSharp.Cli.Tests;

/// <summary>
/// <c>deploy</c> with a registry: the image built on the real engine and pushed to the real registries of
/// <c>scripts/start-registry.sh</c> (open, and with basic auth), under a namespace of the test's own; the fn
/// created on a real server on loopback (fake containers: nothing runs here).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DeployPushTests : CliServerTest
{
    private readonly FunctionFolder _fn = new();
    private readonly TestRegistry _registry = TestRegistry.FromEnvironment();
    private readonly string _dockerConfig = TestDirectories.Create("fnsharp-dockercfg-");
    private readonly HttpClient _http = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _fn.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dockerConfig, recursive: true);
        _http.Dispose();
    }

    [Fact]
    public async Task Deploy_PlainHttpRegistryWithFlag_PushesAndTheFnRunsThePushedName()
    {
        _fn.WithDockerFunction();
        var prefix = $"{_registry.Open}/{_registry.Namespace}";
        var image = $"{prefix}/{_fn.Name}:0.0.2";

        var (code, output, error) = await DeployAsync(["--registry", prefix, "--insecure-registry"]);
        var fnImage = await OkAsync("inspect", "fn", "shop", _fn.Name, "image");

        Assert.True(code == 0, error);
        Assert.Equal(
            $"Deploying {_fn.Name} to app: shop\nBumped to version 0.0.2\nBuilding image {image}\nPushing {image} to registry {_registry.Open}\n" +
            $"Successfully created app: shop\nSuccessfully created function: {_fn.Name} with {image}\n",
            output);
        Assert.Matches($@"\ndocker push {Regex(image)}\.\.\.\ndone: docker push {Regex(image)} \(\d+:\d\d\)\n$", error);
        Assert.Equal(image + "\n", fnImage);
        Assert.NotNull(await RegistryDigestAsync(_registry.Open, $"{_registry.Namespace}/{_fn.Name}", "0.0.2"));
    }

    [Fact]
    public async Task Deploy_Json_DigestIsTheRegistrys()
    {
        _fn.WithDockerFunction();
        var prefix = $"{_registry.Open}/{_registry.Namespace}";

        var (code, output, error) = await DeployAsync(["--registry", prefix, "--insecure-registry", "-o", "json"]);
        using var deployed = JsonDocument.Parse(output);

        Assert.True(code == 0, error);
        Assert.Equal(["image", "digest", "app", "fn", "triggers"], deployed.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            await RegistryDigestAsync(_registry.Open, $"{_registry.Namespace}/{_fn.Name}", "0.0.2"),
            deployed.RootElement.GetProperty("digest").GetString());
        Assert.Contains($"Pushing {prefix}/{_fn.Name}:0.0.2 to registry {_registry.Open}\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_PlainHttpRegistryNotAllowed_RefusedBeforeTheBuild()
    {
        _fn.WithDockerFunction();
        var before = _fn.Read("func.yaml");
        var prefix = $"{_registry.Open}/{_registry.Namespace}";

        var (code, output, error) = await DeployAsync(["--registry", prefix]);

        Assert.Equal((1, ""), (code, output));
        Assert.Equal(
            $"Error: the registry {_registry.Open} speaks plain HTTP, not HTTPS: the image would cross the network unencrypted\n" +
            $"To push there anyway: add --insecure-registry, or list it in insecure_registries in ~/.fnsharp/config.json, for example {{\"insecure_registries\": [\"{_registry.Open}\"]}}\n" +
            "To build and deploy without pushing: add --local\n",
            error);
        Assert.Equal(before, _fn.Read("func.yaml"));
        Assert.Empty(await _fn.ImagesAsync($"{prefix}/{_fn.Name}"));
    }

    [Fact]
    public async Task Deploy_RegistryAndInsecureRegistriesInConfigFile_PushedWithoutFlags()
    {
        _fn.WithDockerFunction();
        var prefix = $"{_registry.Open}/{_registry.Namespace}";
        var config = Path.Combine(_dockerConfig, "fnsharp.json");
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object> { ["registry"] = prefix, ["insecure_registries"] = new[] { _registry.Open } }));

        var (code, output, error) = await DeployAsync([], io => io with { ConfigFile = config });

        Assert.True(code == 0, error);
        Assert.Contains($"Pushing {prefix}/{_fn.Name}:0.0.2 to registry {_registry.Open}\n", output, StringComparison.Ordinal);
        Assert.NotNull(await RegistryDigestAsync(_registry.Open, $"{_registry.Namespace}/{_fn.Name}", "0.0.2"));
    }

    [Fact]
    public async Task Deploy_Local_BuildsThePrefixedNameAndPushesNothing()
    {
        _fn.WithDockerFunction();
        var prefix = $"{_registry.Open}/{_registry.Namespace}";

        var (code, output, error) = await DeployAsync(["--registry", prefix, "--local"]);

        Assert.True(code == 0, error);
        Assert.DoesNotContain("Pushing", output, StringComparison.Ordinal);
        Assert.DoesNotContain("docker push", error, StringComparison.Ordinal);
        Assert.Equal([$"{prefix}/{_fn.Name}:0.0.2"], await _fn.ImagesAsync($"{prefix}/{_fn.Name}"));
        Assert.Null(await RegistryDigestAsync(_registry.Open, $"{_registry.Namespace}/{_fn.Name}", "0.0.2"));
    }

    [Fact]
    public async Task Deploy_AuthRegistryWithoutCredentials_ErrorSaysDockerLoginAndFuncYamlKept()
    {
        _fn.WithDockerFunction();
        var before = _fn.Read("func.yaml");
        var prefix = $"{_registry.WithAuth}/{_registry.Namespace}";

        var (code, _, error) = await DeployAsync(["--registry", prefix, "--insecure-registry"]);

        Assert.Equal(1, code);
        Assert.Contains(
            $"{_fn.FuncYaml} keeps version 0.0.1: the push failed.\nError: the registry {_registry.WithAuth} asks for credentials, and none are set for it (",
            error,
            StringComparison.Ordinal);
        Assert.EndsWith(
            $")\nLog in first: docker login {_registry.WithAuth} (fnsharp reads the credentials docker login writes: $DOCKER_CONFIG/config.json, else ~/.docker/config.json)\n",
            error,
            StringComparison.Ordinal);
        Assert.Equal(before, _fn.Read("func.yaml"));
        Assert.Equal("Error: app 'shop' not found", (await RunAsync("inspect", "app", "shop")).Error.Split('\n')[0]);
    }

    [Fact]
    public async Task Deploy_AuthRegistryWrongPassword_ErrorNamesTheUserAndTheConfigFile()
    {
        _fn.WithDockerFunction();
        var prefix = $"{_registry.WithAuth}/{_registry.Namespace}";
        var file = await DockerLoginAsync(_registry.WithAuth, _registry.User, "wrong-" + _registry.Password);

        var (code, _, error) = await DeployAsync(["--registry", prefix, "--insecure-registry"]);

        Assert.Equal(1, code);
        Assert.Contains($"\nError: the registry {_registry.WithAuth} refused the credentials of {_registry.User} from {file} (", error, StringComparison.Ordinal);
        Assert.EndsWith($")\nLog in again: docker login {_registry.WithAuth}\n", error, StringComparison.Ordinal);
        Assert.DoesNotContain(_registry.Password, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_AuthRegistryAfterDockerLogin_Pushed()
    {
        _fn.WithDockerFunction();
        var prefix = $"{_registry.WithAuth}/{_registry.Namespace}";
        await DockerLoginAsync(_registry.WithAuth, _registry.User, _registry.Password);

        var (code, output, error) = await DeployAsync(["--registry", prefix, "--insecure-registry"]);

        Assert.True(code == 0, error);
        Assert.Contains($"Successfully created function: {_fn.Name} with {prefix}/{_fn.Name}:0.0.2\n", output, StringComparison.Ordinal);
        Assert.NotNull(await RegistryDigestAsync(_registry.WithAuth, $"{_registry.Namespace}/{_fn.Name}", "0.0.2", (_registry.User, _registry.Password)));
    }

    /// <summary>Runs <c>deploy --app shop --create-app</c> with the test's own Docker config directory (empty unless logged in).</summary>
    private Task<(int Code, string Output, string Error)> DeployAsync(string[] extra, Func<CliIo, CliIo>? with = null) =>
        CliRun.RunAsync(
            ["deploy", "--app", "shop", "--create-app", "--path", _fn.Path, .. extra, "--api-url", Url],
            new Dictionary<string, string?> { ["DOCKER_CONFIG"] = _dockerConfig },
            with);

    /// <summary>Writes what <c>docker login</c> writes into the test's Docker config directory; returns the file.</summary>
    private async Task<string> DockerLoginAsync(string registry, string user, string password)
    {
        var file = Path.Combine(_dockerConfig, "config.json");
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { auths = new Dictionary<string, object> { [registry] = new { auth } } }));
        return file;
    }

    /// <summary>The digest the registry holds for <paramref name="path"/>:<paramref name="tag"/>, or <see langword="null"/> when it has none.</summary>
    private async Task<string?> RegistryDigestAsync(string registry, string path, string tag, (string User, string Password)? login = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, $"http://{registry}/v2/{path}/manifests/{tag}");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        if (login is { } credentials)
        {
            request.Headers.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}")));
        }

        using var response = await _http.SendAsync(request);
        return response.IsSuccessStatusCode ? response.Headers.GetValues("Docker-Content-Digest").Single() : null;
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
