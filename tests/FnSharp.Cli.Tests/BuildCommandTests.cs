using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary><c>build</c> on the real Docker engine: the image NAME:VERSION, progress as it streams, and the engine's errors.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class BuildCommandTests : IAsyncLifetime
{
    private readonly FunctionFolder _fn = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _fn.DisposeAsync().AsTask();

    [Fact]
    public async Task Build_DockerRuntimeNotATerminal_ImageOnEngineAndPlainProgressLines()
    {
        _fn.WithDockerFunction(version: "1.2.3");

        var (code, output, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.True(code == 0, error);
        Assert.Equal($"Building image {_fn.Name}:1.2.3\nFunction {_fn.Name}:1.2.3 built successfully.\n", output);
        Assert.Matches($@"^docker build {_fn.Name}:1\.2\.3\.\.\.\ndone: docker build {_fn.Name}:1\.2\.3 \(\d+:\d\d\)\n$", error);
        Assert.Equal([$"{_fn.Name}:1.2.3"], await _fn.ImagesAsync());
    }

    [Fact]
    public async Task Build_Verbose_TheEnginesOutputStreamed()
    {
        _fn.WithDockerFunction(version: "1.2.3");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path, "-v"]);

        Assert.True(code == 0, error);
        Assert.StartsWith($"docker build {_fn.Name}:1.2.3...\nStep 1/2 : FROM fnsharp/aot-runtime:latest\n", error, StringComparison.Ordinal);
        Assert.Contains($"Successfully tagged {_fn.Name}:1.2.3\ndone: docker build {_fn.Name}:1.2.3 (", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_Twice_SecondUsesTheCacheUnlessNoCache()
    {
        _fn.WithDockerFunction();
        await CliRun.RunAsync(["build", "--path", _fn.Path]);
        var tag = $"{_fn.Name}:0.0.1";
        var first = await FunctionFolder.ImageIdAsync(tag);
        _fn.OtherImages.Add(first);

        var cached = await CliRun.RunAsync(["build", "--path", _fn.Path, "-v"]);
        var fresh = await CliRun.RunAsync(["build", "--path", _fn.Path, "--no-cache", "-v"]);

        Assert.Equal((0, 0), (cached.Code, fresh.Code));
        // The new image took the tag: the first one, untagged now, is removed at the end by its id.
        Assert.NotEqual(first, await FunctionFolder.ImageIdAsync(tag));
        Assert.Contains("Using cache", cached.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Using cache", fresh.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_Registry_PrefixesTheImageName()
    {
        _fn.WithDockerFunction();
        _fn.OtherRepositories.Add($"localhost:5000/clitest/{_fn.Name}");
        _fn.OtherRepositories.Add($"option.example/{_fn.Name}");
        _fn.OtherRepositories.Add($"config.example/team/{_fn.Name}");
        _fn.Write("fnsharp.json", """{"registry": "config.example/team"}""");
        CliIo WithConfig(CliIo io) => io with { ConfigFile = Path.Combine(_fn.Path, "fnsharp.json") };

        var fromConfig = await CliRun.RunAsync(["build", "--path", _fn.Path], with: WithConfig);
        var fromEnvironment = await CliRun.RunAsync(["build", "--path", _fn.Path], new Dictionary<string, string?> { ["FN_REGISTRY"] = "localhost:5000/clitest" }, WithConfig);
        var fromOption = await CliRun.RunAsync(["build", "--path", _fn.Path, "--registry", "option.example/"], new Dictionary<string, string?> { ["FN_REGISTRY"] = "localhost:5000/clitest" }, WithConfig);

        Assert.Equal((0, 0, 0), (fromConfig.Code, fromEnvironment.Code, fromOption.Code));
        Assert.Equal([$"config.example/team/{_fn.Name}:0.0.1"], await _fn.ImagesAsync($"config.example/team/{_fn.Name}"));
        Assert.Equal([$"localhost:5000/clitest/{_fn.Name}:0.0.1"], await _fn.ImagesAsync($"localhost:5000/clitest/{_fn.Name}"));
        Assert.Equal([$"option.example/{_fn.Name}:0.0.1"], await _fn.ImagesAsync($"option.example/{_fn.Name}"));
    }

    [Fact]
    public async Task Build_RunImage_GivenToTheDockerfileAsRunImage()
    {
        _fn.WithDockerFunction("run_image: fnsharp/aot-runtime:latest\n");
        _fn.Write("Dockerfile", "ARG RUN_IMAGE=fnsharp/not-there:latest\nFROM ${RUN_IMAGE}\nCOPY hello.txt /hello.txt\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path, "--verbose"]);

        Assert.True(code == 0, error);
        Assert.Contains("Step 2/3 : FROM ${RUN_IMAGE}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_MissingBaseImage_ErrorNamesImageAndHowToGetIt()
    {
        _fn.WithDockerFunction();
        _fn.Write("Dockerfile", "FROM fnsharp/not-there:latest\n");

        var (code, output, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal(1, code);
        Assert.Equal($"Building image {_fn.Name}:0.0.1\n", output);
        Assert.Equal(
            "Error: the base image fnsharp/not-there:latest is not on the Docker engine at unix:///var/run/docker.sock: " +
            "put it on that engine with docker pull fnsharp/not-there:latest, docker build -t fnsharp/not-there:latest DIR or docker load -i FILE (fnsharp build pulls nothing)\n",
            error);
    }

    [Fact]
    public async Task Build_RunImageMistyped_ErrorSuggestsTheScriptsImage()
    {
        _fn.WithDockerFunction("run_image: fnsharp/aot-runtimee:latest\n");
        _fn.Write("Dockerfile", "ARG RUN_IMAGE=fnsharp/aot-runtime:latest\nFROM ${RUN_IMAGE}\nCOPY hello.txt /hello.txt\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal(1, code);
        Assert.Equal(
            "Error: the base image fnsharp/aot-runtimee:latest (run_image in func.yaml) is not on the Docker engine at unix:///var/run/docker.sock: " +
            "did you mean fnsharp/aot-runtime:latest, which scripts/build-images.sh aot-runtime builds? " +
            "Otherwise put it on that engine with docker pull fnsharp/aot-runtimee:latest, docker build -t fnsharp/aot-runtimee:latest DIR or docker load -i FILE (fnsharp build pulls nothing)\n",
            error);
        Assert.Empty(await _fn.ImagesAsync());
    }

    [Fact]
    public async Task Build_DockerfileStepFails_TheStepsLastLinesEngineMessageAndExit1()
    {
        _fn.WithDockerFunction();
        _fn.Write("Dockerfile", "FROM fnsharp/aot-runtime:latest\nCOPY missing.txt /missing.txt\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal(1, code);
        Assert.Contains("Step 2/2 : COPY missing.txt /missing.txt\nfailed: docker build ", error, StringComparison.Ordinal);
        Assert.Matches($"\nError: building the image {_fn.Name}:0.0.1 failed: COPY failed: .*missing.txt.*\n$", error);
        Assert.Empty(await _fn.ImagesAsync());
    }

    [Fact]
    public async Task Build_DockerfileSyntaxError_EngineRefusalAndExit1()
    {
        _fn.WithDockerFunction();
        _fn.Write("Dockerfile", "FROM fnsharp/aot-runtime:latest\nNOTANINSTRUCTION x\n");

        var (code, _, error) = await CliRun.RunAsync(["build", "--path", _fn.Path]);

        Assert.Equal(1, code);
        Assert.Contains("NOTANINSTRUCTION", error.Split('\n').Single(l => l.StartsWith("Error: ", StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
    }
}
