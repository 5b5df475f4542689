using System.Text.Json;
using System.Text.RegularExpressions;
using FnSharp.Core.Models;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// The installed <c>fnsharp</c> tool, run as a process the way a new user runs it from the README, against a
/// real server that runs calls on the real Docker engine: install, init, deploy, invoke, a failed invoke and
/// the log its error points to, a usage error, progress on a terminal (under <c>script</c>, a pseudo-terminal)
/// and shell completion.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed partial class InstalledToolTests(InstalledTool tool) : IClassFixture<InstalledTool>, IAsyncLifetime
{
    private readonly FunctionFolder _fn = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _fn.DisposeAsync();

    [Fact]
    public async Task Install_Offline_InstalledAndHelpShowsExamplesAndExitCodes()
    {
        var help = await tool.RunAsync(null, "--help");

        Assert.Contains($"Tool 'fnsharp' (version '{Commands.InitCommand.FdkVersion}') was successfully installed.", tool.InstallOutput, StringComparison.Ordinal);
        Assert.Equal(0, help.Code);
        Assert.Contains("fnsharp deploy --app myapp --create-app", help.Output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 done;", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewUser_InitDeployInvokeFailedInvokeAndItsLog_AsTheReadmeSays()
    {
        var init = await tool.RunAsync(Path.GetDirectoryName(_fn.Path), "init", "--runtime", "csharp", _fn.Name);
        var deploy = await tool.RunAsync(_fn.Path, "deploy", "--app", "myapp", "--create-app");
        var invoke = await tool.RunAsync(_fn.Path, "invoke", "myapp", _fn.Name, "--body", """{"name":"you"}""", "-v");
        var helloCall = CallId(invoke.Error);
        await tool.Calls.NextAttemptAsync(helloCall);
        var silentLog = await tool.RunAsync(null, "logs", "get", "myapp", _fn.Name, helloCall);
        var listed = await tool.RunAsync(null, "list", "functions", "myapp");
        var image = await tool.RunAsync(null, "inspect", "fn", "myapp", _fn.Name, "image");

        Assert.True(init.Code == 0, init.Error);
        Assert.True(File.Exists(Path.Combine(_fn.Path, "packages", $"FnSharp.Fdk.{Commands.InitCommand.FdkVersion}.nupkg")));
        Assert.True(deploy.Code == 0, deploy.Error);
        Assert.Equal(
            $"Deploying {_fn.Name} to app: myapp\nBumped to version 0.0.2\nBuilding image {_fn.Name}:0.0.2\nSuccessfully created app: myapp\n" +
            $"Successfully created function: {_fn.Name} with {_fn.Name}:0.0.2\nSuccessfully created trigger: {_fn.Name}\nTrigger Endpoint: {tool.Url}/t/myapp/{_fn.Name}\n",
            deploy.Output);
        Assert.Matches($@"^dotnet publish {_fn.Name}\.csproj \(NativeAOT, linux-(x64|arm64)\) \(a minute or two\)\.\.\.\ndone: dotnet publish {_fn.Name}\.csproj \(NativeAOT, linux-(x64|arm64)\) \(\d+:\d\d\)\ndocker build {_fn.Name}:0\.0\.2\.\.\.\ndone: docker build {_fn.Name}:0\.0\.2 \(\d+:\d\d\)\n$", deploy.Error);
        Assert.Equal((0, "{\"message\":\"Hello, you!\"}\n"), (invoke.Code, invoke.Output));
        Assert.Equal((0, "", "The call ended (success) without writing to stdout or stderr: its log is empty.\n"), silentLog);
        Assert.Matches($@"^NAME\s+IMAGE\s+MEMORY\s+TIMEOUT\s+ID\n{_fn.Name}\s+{_fn.Name}:0\.0\.2\s", listed.Output);
        Assert.Equal((0, $"{_fn.Name}:0.0.2\n"), (image.Code, image.Output));
    }

    [Fact]
    public async Task FailedInvoke_ErrorWithCallIdAndTheLogCommandWhichWorks()
    {
        await tool.RunAsync(null, "create", "app", "failing");
        await tool.RunAsync(null, "create", "fn", "failing", "tf", "fnsharp/testfn:latest");

        var (code, output, error) = await tool.RunAsync(null, "invoke", "failing", "tf", "--body", """{"stderr":["about to fail"],"throw":"bad"}""");
        var callId = CallId(error);
        await tool.Calls.NextAttemptAsync(callId);
        var logCommand = error.Split('\n').Single(l => l.StartsWith("See what it wrote: ", StringComparison.Ordinal))["See what it wrote: ".Length..];
        var log = await tool.ShellAsync(logCommand);

        Assert.Equal((1, ""), (code, output));

        // A cold start that takes over a second shows the wait first.
        Assert.Equal(
            $"Error: function failed (502, call {callId})\nSee what it wrote: fnsharp logs get failing tf {callId}\nSee the call: fnsharp calls get failing tf {callId}\n",
            error.Replace("Waiting for the answer of failing tf (its timeout is 30 s)...\n", "", StringComparison.Ordinal));
        Assert.Equal(0, log.Code);
        Assert.Contains("about to fail\n", log.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsageError_OneShortMessageAndExit2()
    {
        var (code, output, error) = await tool.RunAsync(null, "invoke", "myapp");

        Assert.Equal((2, "", "Error: missing <fn> (the fn's name)\nUsage: fnsharp invoke <app> <fn> [options]\nSee 'fnsharp invoke --help'.\n"), (code, output, error));
    }

    [Fact]
    public async Task Terminal_SlowInvoke_ALineRedrawnWithTheTimeItWaited()
    {
        await tool.RunAsync(null, "create", "app", "term");
        await tool.RunAsync(null, "create", "fn", "term", "slow", "fnsharp/testfn:latest");

        // script gives the tool a pseudo-terminal for stdin, stdout and stderr, and copies what it shows.
        var (code, screen, _) = await tool.ShellAsync("""script -qec "fnsharp invoke term slow --body '{\"sleepMs\":2500,\"body\":\"woke\"}'" /dev/null""", term: "xterm");

        Assert.Equal(0, code);
        Assert.Contains("\u001b[", screen, StringComparison.Ordinal);
        Assert.Contains("Waiting for the answer of term slow (its timeout is 30 s)", screen, StringComparison.Ordinal);
        Assert.Matches(@"Waiting for the answer of term slow \(its timeout is 30 s\) \S*0:0[12]", screen);
        Assert.Contains("woke", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminal_Deploy_EachStepEndsWithItsTime()
    {
        _fn.WithDockerFunction();

        var (code, screen, _) = await tool.ShellAsync($"script -qec 'fnsharp deploy --app termdeploy --create-app --path {_fn.Path}' /dev/null", term: "xterm");

        Assert.Equal(0, code);
        Assert.Matches($@"✓\S* docker build {_fn.Name}:0\.0\.2 \S*\(\d+:\d\d\)", screen);
        Assert.Contains($"Successfully created function: {_fn.Name} with {_fn.Name}:0.0.2", screen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fnsharp list fun", "func funcs function functions")]
    [InlineData("fnsharp l", "list logs ls")]
    [InlineData("fnsharp list apps --output ", "json table")]
    public async Task Completion_Bash_TheInstalledToolCompletes(string line, string expected)
    {
        var words = line.EndsWith(' ') ? $"{line}''" : line;
        var script = $$"""
            source <(fnsharp completion bash)
            COMP_LINE="{{line}}"; COMP_POINT=${#COMP_LINE}; COMP_WORDS=({{words}}); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _fnsharp_complete
            echo "${COMPREPLY[*]}"
            """;

        var (code, output, error) = await tool.ShellAsync(script);

        Assert.Equal((0, expected + "\n", ""), (code, output, error));
    }

    private static string CallId(string text) => CallIdPattern().Match(text).Groups[1].Value is { Length: 26 } id
        ? id
        : throw new Xunit.Sdk.XunitException($"no call id in: {text}");

    [GeneratedRegex("(?:Fn-Call-Id: |call )([0-9A-Z]{26})")]
    private static partial Regex CallIdPattern();
}
