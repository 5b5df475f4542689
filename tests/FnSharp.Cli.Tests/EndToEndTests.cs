using FnSharp.Testing;
using FnSharp.Testing.Hosting;

namespace FnSharp.Cli.Tests;

/// <summary>
/// A function's whole life through the CLI, as a user lives it: init, deploy to a server on loopback
/// that runs calls on the real Docker engine, invoke.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class EndToEndTests : IAsyncLifetime
{
    private readonly FnSharpServerFactory _server = new();
    private readonly FunctionFolder _fn = new();
    private string _url = "";

    public Task InitializeAsync()
    {
        _url = _server.StartOnLoopback().ToString().TrimEnd('/');
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        // The server removes its containers as it stops; then the image can go.
        await _server.DisposeAsync();
        await _fn.DisposeAsync();
    }

    [Fact]
    public async Task InitCsharp_DeployCreateApp_InvokeAndTriggerAnswer()
    {
        var init = await CliRun.RunAsync(["init", "--runtime", "csharp", _fn.Name, "--dir", _fn.Path]);
        var deploy = await CliRun.RunAsync(["deploy", "--app", "e2e", "--create-app", "--path", _fn.Path, "--api-url", _url]);
        var invoke = await CliRun.RunAsync(["invoke", "e2e", _fn.Name, "--body", """{"name":"you"}""", "--api-url", _url]);
        using var http = new HttpClient();
        var trigger = await http.GetStringAsync(new Uri($"{_url}/t/e2e/{_fn.Name}"));

        Assert.True(init.Code == 0, init.Error);
        Assert.True(deploy.Code == 0, deploy.Error);
        Assert.Equal(
            $"Deploying {_fn.Name} to app: e2e\nBumped to version 0.0.2\nBuilding image {_fn.Name}:0.0.2\nSuccessfully created app: e2e\n" +
            $"Successfully created function: {_fn.Name} with {_fn.Name}:0.0.2\nSuccessfully created trigger: {_fn.Name}\nTrigger Endpoint: {_url}/t/e2e/{_fn.Name}\n",
            deploy.Output);
        Assert.Matches(@"^dotnet publish \S+\.csproj \(NativeAOT, linux-(x64|arm64); a minute or two\)\.\.\.\ndone: dotnet publish ", deploy.Error);
        Assert.Equal((0, "{\"message\":\"Hello, you!\"}\n"), (invoke.Code, invoke.Output));
        Assert.Equal("{\"message\":\"Hello, World!\"}", trigger);
    }

    [Fact]
    public async Task InitCsharp_Restore_NeedsNoNetwork()
    {
        await CliRun.RunAsync(["init", "--runtime", "csharp", _fn.Name, "--dir", _fn.Path]);

        // unshare -n: a new network namespace with no interface up, so nuget.org cannot be reached; the
        // FDK comes from the scaffold's packages/ and the SDK's NativeAOT packages from the machine's cache.
        var (code, output) = await HostCommand.RunAsync("unshare", ["-n", "dotnet", "restore", "--force", "-r", "linux-x64"], _fn.Path);

        Assert.True(code == 0, output);
        Assert.Contains("Restored ", output, StringComparison.Ordinal);
    }
}
