using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Cli.Tests;

/// <summary>The CLI against a server with keys required: the token from --token or FN_TOKEN, and keys create|list|revoke.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class KeyCommandsTests : IAsyncLifetime
{
    private const string AdminToken = "cli-test-admin-token-0123456789abcdefghijklmnop";

    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;
    private readonly string _url;

    public KeyCommandsTests()
    {
        _server = new FnSharpServerFactory(_driver);
        _server.Settings["FN_ADMIN_TOKEN"] = AdminToken;
        _url = _server.StartOnLoopback().ToString().TrimEnd('/');
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task ListApps_WithoutToken_ErrorWithTheServersMessageAndExit1()
    {
        var (code, _, error) = await CliRun.RunAsync(["list", "apps", "--api-url", _url]);

        Assert.Equal(1, code);
        Assert.Equal("Error: Missing API key: send the header 'Authorization: Bearer <token>' (the fnsharp CLI: --token or FN_TOKEN) (401)\n", error);
    }

    [Fact]
    public async Task ListApps_TokenFromOptionOrEnvironment_Works()
    {
        var byOption = await CliRun.RunAsync(["create", "app", "myapp", "--api-url", _url, "--token", AdminToken]);
        var byEnvironment = await CliRun.RunAsync(["list", "apps", "--api-url", _url], new Dictionary<string, string?> { ["FN_TOKEN"] = AdminToken });

        Assert.True(byOption.Code == 0, byOption.Error);
        Assert.True(byEnvironment.Code == 0, byEnvironment.Error);
        Assert.Contains("myapp", byEnvironment.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_CreateListRevoke_TheNewTokenWorksUntilRevoked()
    {
        Assert.Equal(0, (await CliRun.RunAsync(["create", "app", "myapp", "--api-url", _url, "--token", AdminToken])).Code);

        var created = await CliRun.RunAsync(["keys", "create", "--scope", "deploy:myapp", "--name", "ci deploys", "--api-url", _url, "--token", AdminToken]);
        var token = created.Output.Trim();
        var listed = await CliRun.RunAsync(["keys", "list", "--api-url", _url, "--token", AdminToken]);
        var withNewKey = await CliRun.RunAsync(["list", "fns", "myapp", "--api-url", _url, "--token", token]);
        var keyId = token.Split('_')[1];
        var revoked = await CliRun.RunAsync(["keys", "revoke", keyId, "--api-url", _url, "--token", AdminToken]);
        var afterRevoke = await CliRun.RunAsync(["list", "fns", "myapp", "--api-url", _url, "--token", token]);

        Assert.True(created.Code == 0, created.Error);
        Assert.StartsWith("fns_", token, StringComparison.Ordinal);
        Assert.StartsWith($"Created key {keyId} (ci deploys) with scopes deploy:", created.Error, StringComparison.Ordinal);
        Assert.Contains("ci deploys", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed.Output, StringComparison.Ordinal);
        Assert.True(withNewKey.Code == 0, withNewKey.Error);
        Assert.Equal(0, revoked.Code);
        Assert.Equal(1, afterRevoke.Code);
        Assert.Equal("Error: API key revoked (401)\n", afterRevoke.Error);
    }
}
