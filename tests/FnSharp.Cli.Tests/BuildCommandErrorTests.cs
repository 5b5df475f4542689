using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary><c>build</c>'s errors and warnings before any engine work: func.yaml, the engine's address, the registry prefix.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class BuildCommandErrorTests : IAsyncLifetime
{
    private readonly FunctionFolder _fn = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _fn.DisposeAsync().AsTask();

    [Fact]
    public async Task Build_NoFuncYaml_ErrorNamesDirectory()
    {
        var (code, output, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal((1, ""), (code, output));
        Assert.Equal($"Error: no func.yaml in {_fn.Path}: create a function with fnsharp init --runtime csharp|node NAME, or point --path at its directory\n", error);
    }

    [Fact]
    public async Task Build_InvalidFuncYaml_ErrorNamesFileAndField()
    {
        _fn.WithDockerFunction("memory: lots\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal((1, $"Error: {_fn.FuncYaml}: memory must be a whole number of MiB, not 'lots' (line 5)\n"), (code, error));
    }

    [Fact]
    public async Task Build_TabIndentedFuncYaml_ErrorNamesLineColumnAndTab()
    {
        _fn.WithDockerFunction("triggers:\n- name: web\n\tsource: /web\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal(
            (1, $"Error: {_fn.FuncYaml} is not valid YAML at line 6, column 9: While scanning a plain scalar, found a tab character that violate indentation. Line 7 indents with a tab: YAML indents with spaces.\n"),
            (code, error));
    }

    [Fact]
    public async Task Build_FnsFieldsFnSharpIgnores_WarningBeforeTheBuild()
    {
        _fn.WithDockerFunction("build_image: fnproject/dotnet:dev\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path], new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });

        Assert.Equal(1, code);
        Assert.StartsWith(
            $"Warning: {_fn.FuncYaml}: build_image is ignored: the build runs on this machine (runtime csharp: dotnet publish; node: npm ci) and in the Dockerfile, not in a build image (line 5)\n" +
            "Error: cannot reach the Docker engine at unix:///nonexistent/docker.sock",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_EngineDown_ClearErrorNamingTheAddress()
    {
        _fn.WithDockerFunction();

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path], new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });

        Assert.Equal(1, code);
        Assert.StartsWith("Error: cannot reach the Docker engine at unix:///nonexistent/docker.sock: ", error, StringComparison.Ordinal);
        Assert.EndsWith(". Is it running? (scripts/ensure-docker.sh starts it; DOCKER_HOST names another engine)\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_DockerHostNotAnAddress_ClearError()
    {
        _fn.WithDockerFunction();

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path], new Dictionary<string, string?> { ["DOCKER_HOST"] = "nonsense" });

        Assert.Equal((1, "Error: DOCKER_HOST 'nonsense' is not a Docker engine address such as unix:///var/run/docker.sock or tcp://127.0.0.1:2375\n"), (code, error));
    }

    [Fact]
    public async Task Build_BadRegistry_ClearError()
    {
        _fn.WithDockerFunction();

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path, "--registry", "bad registry"]);

        Assert.Equal((1, "Error: the registry 'bad registry' is not an image name prefix such as registry.example:5000/team\n"), (code, error));
    }

    [Fact]
    public async Task Build_CsharpWithoutProject_ErrorBeforePublishing()
    {
        _fn.Write("func.yaml", $"schema_version: 20180708\nname: {_fn.Name}\nversion: 0.0.1\nruntime: csharp\n");
        _fn.Write("Dockerfile", "FROM scratch\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal(1, code);
        Assert.EndsWith($"Error: runtime csharp needs a .csproj in {_fn.Path}\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_NoDockerfile_ErrorNamesDirectory()
    {
        _fn.Write("func.yaml", $"schema_version: 20180708\nname: {_fn.Name}\nversion: 0.0.1\nruntime: docker\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal((1, $"Error: no Dockerfile in {_fn.Path}: the image is built from it (fnsharp init writes one)\n"), (code, error));
    }
}
