using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// <c>deploy</c>'s errors that stop it before any build, with nothing changed on the server: the app, the
/// server, func.yaml (its fields, and the server's rules for them), trigger sources taken in the app, the
/// engine's address.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class DeployCommandErrorTests : CliServerTest
{
    /// <summary>An engine address nothing answers: a test that reaches the build fails with its own message.</summary>
    private static readonly Dictionary<string, string?> NoEngine = new() { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };

    private readonly FunctionFolder _fn = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _fn.DisposeAsync();
    }

    [Fact]
    public async Task Deploy_UnknownAppWithoutCreateApp_ErrorNamesFlagAndNothingChanged()
    {
        _fn.WithDockerFunction();
        var before = _fn.Read("func.yaml");

        var (code, output, error) = await RunAsync("deploy", "--app", "nope", "--path", _fn.Path);

        Assert.Equal(
            (1, "", $"Error: app 'nope' not found\nTo create it with the fn: fnsharp deploy --app nope --create-app --api-url {Url}\nSee the apps: fnsharp list apps --api-url {Url}\n"),
            (code, output, error));
        Assert.Equal(before, _fn.Read("func.yaml"));
    }

    [Fact]
    public async Task Deploy_ServerDown_ClearErrorAndNothingChanged()
    {
        _fn.WithDockerFunction();
        var before = _fn.Read("func.yaml");

        var (code, _, error) = await RunWithUrlAsync("http://127.0.0.1:9", "deploy", "--app", "shop", "--create-app", "--path", _fn.Path);

        Assert.Equal(1, code);
        Assert.StartsWith("Error: cannot reach the FnSharp server at http://127.0.0.1:9", error, StringComparison.Ordinal);
        Assert.Equal(before, _fn.Read("func.yaml"));
    }

    [Fact]
    public async Task Deploy_EngineDown_ClearErrorAndNoAppCreated()
    {
        _fn.WithDockerFunction();

        var (code, _, error) = await RunAsync(NoEngine, "deploy", "--app", "shop", "--create-app", "--path", _fn.Path);
        var (listCode, listOutput, _) = await RunAsync("list", "apps");

        Assert.Equal(1, code);
        Assert.StartsWith("Error: cannot reach the Docker engine at unix:///nonexistent/docker.sock: ", error, StringComparison.Ordinal);
        Assert.Equal((0, "NAME  ID\n"), (listCode, listOutput));
    }

    [Theory]
    [InlineData("memory: 1.5\n", "memory must be a whole number of MiB, not '1.5' (line 5)")]
    [InlineData("triggers: yes\n", "triggers must be a list, for example triggers: [{name: hello, type: http, source: /hello}] (line 5)")]
    public async Task Deploy_InvalidFuncYaml_ErrorNamesFileAndField(string extra, string message)
    {
        _fn.WithDockerFunction(extra);

        var (code, _, error) = await RunAsync("deploy", "--app", "shop", "--create-app", "--path", _fn.Path);

        Assert.Equal((1, $"Error: {_fn.FuncYaml}: {message}\n"), (code, error));
    }

    [Theory]
    [InlineData("memroy: 256\n", "unknown field 'memroy': did you mean 'memory'? (line 5)")]
    [InlineData("memory: 99999999\n", "memory 99999999 is out of range: use 0 to 8192 MiB (0 or none: the server's default, 128) (line 5)")]
    [InlineData("triggers:\n- name: web\n  type: htpp\n", "triggers[0].type 'htpp' is not supported: use http, cron or nats (line 7)")]
    [InlineData("triggers:\n- name: web\n  source: t\n", "triggers[0].source 't' must start with '/', for example /t (the path under /t/APP) (line 7)")]
    [InlineData("annotations:\n  fnsharp.io/async-retries: 20\n", "annotations[fnsharp.io/async-retries] 20 is not valid: use an integer from 0 to 10 (the retries of a detached call after a function failure) (line 6)")]
    public async Task Deploy_FuncYamlMistake_ErrorBeforeAnyBuildAndNothingChanged(string extra, string message)
    {
        // The fn and its trigger exist, as after an earlier deploy: nothing of them may change.
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", _fn.Name, "before:1");
        await OkAsync("create", "trigger", "shop", _fn.Name, "web", "--source", "/web");
        _fn.WithDockerFunction(extra);
        var before = _fn.Read("func.yaml");

        // No engine: a build would fail with another message.
        var (code, output, error) = await RunAsync(NoEngine, "deploy", "--app", "shop", "--path", _fn.Path);

        Assert.Equal((1, "", $"Error: {_fn.FuncYaml}: {message}\n"), (code, output, error));
        Assert.Equal(before, _fn.Read("func.yaml"));
        Assert.Contains("\"image\": \"before:1\"", await OkAsync("inspect", "fn", "shop", _fn.Name, "-o", "json"), StringComparison.Ordinal);
        Assert.Contains("\"source\": \"/web\"", await OkAsync("inspect", "trigger", "shop", _fn.Name, "web", "-o", "json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_InvalidFuncYamlWithCreateApp_NoAppCreated()
    {
        _fn.WithDockerFunction("triggers:\n- name: web\n  type: htpp\n");

        var (code, _, error) = await RunAsync(NoEngine, "deploy", "--app", "shop", "--create-app", "--path", _fn.Path);

        Assert.Equal((1, $"Error: {_fn.FuncYaml}: triggers[0].type 'htpp' is not supported: use http, cron or nats (line 7)\n"), (code, error));
        Assert.Equal("NAME  ID\n", await OkAsync("list", "apps"));
    }

    [Fact]
    public async Task Deploy_TriggerSourceOfAnotherFn_ErrorNamesItBeforeAnyBuild()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "other", "other:1");
        await OkAsync("create", "trigger", "shop", "other", "taken", "--source", "/web");
        _fn.WithDockerFunction("triggers:\n- name: web\n  source: /web\n");

        var (code, output, error) = await RunAsync(NoEngine, "deploy", "--app", "shop", "--path", _fn.Path);

        Assert.Equal((1, ""), (code, output));
        Assert.Equal($"Error: {_fn.FuncYaml}: triggers[0].source /web is taken in app 'shop' by trigger 'taken' of fn 'other': choose another source, or delete that trigger first (fnsharp delete trigger shop other taken) (line 7)\n", error);
        Assert.DoesNotContain(_fn.Name, await OkAsync("list", "fns", "shop"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_TriggersOfThisFnTradingSources_OnlyARealClashRefused()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", _fn.Name, "before:1");
        await OkAsync("create", "trigger", "shop", _fn.Name, "a", "--source", "/a");
        await OkAsync("create", "trigger", "shop", _fn.Name, "b", "--source", "/b");

        // a moves off /a before c takes it: no clash, so only the engine stops this deploy.
        _fn.WithDockerFunction("triggers:\n- name: a\n  source: /new\n- name: c\n  source: /a\n");
        var moved = await RunAsync(NoEngine, "deploy", "--app", "shop", "--path", _fn.Path);

        // c takes /b while b keeps it.
        _fn.WithDockerFunction("triggers:\n- name: c\n  source: /b\n");
        var clash = await RunAsync(NoEngine, "deploy", "--app", "shop", "--path", _fn.Path);

        Assert.StartsWith("Error: cannot reach the Docker engine at unix:///nonexistent/docker.sock", moved.Error, StringComparison.Ordinal);
        Assert.Equal($"Error: {_fn.FuncYaml}: triggers[0].source /b is taken in app 'shop' by trigger 'b' of fn '{_fn.Name}': choose another source, or delete that trigger first (fnsharp delete trigger shop {_fn.Name} b) (line 7)\n", clash.Error);
    }

    [Fact]
    public async Task Deploy_InvalidAppName_ErrorBeforeAnyBuild()
    {
        _fn.WithDockerFunction();

        var (code, _, error) = await RunAsync(NoEngine, "deploy", "--app", "my app", "--create-app", "--path", _fn.Path);

        Assert.Equal((2, "Error: --app 'my app' is not a valid app name: use 1 to 255 letters, digits, '_' or '-'\nSee 'fnsharp deploy --help'.\n"), (code, error));
    }

    [Fact]
    public async Task Deploy_FnsFieldsFnSharpIgnores_OneWarningEachOnStderr()
    {
        _fn.WithDockerFunction("entrypoint: ./func\nformat: http-stream\n");

        var (code, _, error) = await RunAsync(NoEngine, "deploy", "--app", "shop", "--create-app", "--path", _fn.Path);

        Assert.Equal(1, code);
        Assert.StartsWith(
            $"Warning: {_fn.FuncYaml}: entrypoint is ignored: the Dockerfile's CMD and ENTRYPOINT decide what runs (line 5)\n" +
            $"Warning: {_fn.FuncYaml}: format is ignored: FnSharp speaks http-stream, the format of Fn's current FDKs (line 6)\n" +
            "Error: cannot reach the Docker engine at unix:///nonexistent/docker.sock",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_VersionNotSemantic_ErrorSuggestsNoBump()
    {
        _fn.WithDockerFunction(version: "latest");

        var (code, _, error) = await RunAsync("deploy", "--app", "shop", "--create-app", "--path", _fn.Path);

        Assert.Equal((1, $"Error: {_fn.FuncYaml}: version 'latest' cannot be bumped: it is not MAJOR.MINOR.PATCH (for example 0.0.1); fix it or deploy with --no-bump\n"), (code, error));
    }

    [Fact]
    public async Task Deploy_NoApp_OptionRequired()
    {
        var (code, _, error) = await RunAsync("deploy", "--path", _fn.Path);

        Assert.Equal((2, "Error: --app is required (the app to deploy to)\nSee 'fnsharp deploy --help'.\n"), (code, error));
    }
}
