using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;

namespace FnSharp.Cli.Tests;

/// <summary>Every command against a real server on loopback (Kestrel on a free port, fake containers).</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CliAppTests : IAsyncLifetime
{
    private readonly FakeContainerDriver _driver = new();
    private readonly FnSharpServerFactory _server;
    private readonly string _url;

    public CliAppTests()
    {
        _server = new FnSharpServerFactory(_driver);
        _url = _server.StartOnLoopback().ToString().TrimEnd('/');
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task Help_Root_ListsVerbsWithExamples()
    {
        var (code, output, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        foreach (var verb in new[] { "create", "list", "inspect", "update", "delete", "config", "get", "unset", "init", "build", "deploy", "invoke", "calls", "logs", "version", "Examples:" })
        {
            Assert.Contains(verb, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("create", "app")]
    [InlineData("create", "fn")]
    [InlineData("list", "apps")]
    [InlineData("list", "fns")]
    [InlineData("inspect", "app")]
    [InlineData("inspect", "fn")]
    [InlineData("invoke", null)]
    [InlineData("version", null)]
    [InlineData("init", null)]
    [InlineData("update", "app")]
    [InlineData("update", "fn")]
    [InlineData("delete", "app")]
    [InlineData("delete", "fn")]
    [InlineData("create", "trigger")]
    [InlineData("list", "triggers")]
    [InlineData("inspect", "trigger")]
    [InlineData("update", "trigger")]
    [InlineData("delete", "trigger")]
    [InlineData("config", "app")]
    [InlineData("config", "fn")]
    [InlineData("get", "config app")]
    [InlineData("get", "config fn")]
    [InlineData("unset", "config app")]
    [InlineData("unset", "config fn")]
    [InlineData("list", "config app")]
    [InlineData("list", "config fn")]
    [InlineData("build", null)]
    [InlineData("deploy", null)]
    [InlineData("calls", null)]
    [InlineData("calls", "list")]
    [InlineData("calls", "get")]
    [InlineData("calls", "redrive")]
    [InlineData("logs", null)]
    [InlineData("logs", "get")]
    public async Task Help_EachCommand_HasExample(string verb, string? noun)
    {
        var (code, output, _) = await RunAsync(noun is null ? [verb, "--help"] : [verb, .. noun.Split(' '), "--help"]);

        Assert.Equal(0, code);
        Assert.Contains("Example", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_OutputOption_FormatsInLowerCase()
    {
        var (code, output, _) = await RunAsync("list", "apps", "--help");

        Assert.Equal(0, code);
        Assert.Contains("-o, --output <json|table>", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Json", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Table", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("JSON")]
    [InlineData("Json")]
    public async Task Output_JsonInAnyCase_Json(string format)
    {
        await RunAsync("create", "app", "shop");

        var (code, output, _) = await RunAsync("list", "apps", "-o", format);

        Assert.Equal(0, code);
        Assert.StartsWith("{\n  \"items\": [\n    {\n      \"id\": ", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_TableInAnyCase_Table()
    {
        await RunAsync("create", "app", "shop");

        var (code, output, _) = await RunAsync("list", "apps", "--output", "TABLE");

        Assert.Equal(0, code);
        Assert.StartsWith("NAME  ID\nshop  ", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_UnknownFormat_ErrorNamesTheFormats()
    {
        var (code, _, error) = await RunAsync("list", "apps", "-o", "xml");

        Assert.Equal((2, "Error: --output 'xml' is not a format: use json or table (any case)\nSee 'fnsharp list apps --help'.\n"), (code, error));
    }

    [Fact]
    public async Task Json_QuotesMarkupAndLetters_PrintedAsTheyAre()
    {
        await RunAsync("create", "app", "shop", "--config", "NOTE=it's <b>&</b> for José");

        var inspect = await RunAsync("inspect", "app", "shop", "-o", "json");
        var list = await RunAsync("list", "apps", "-o", "json");

        Assert.Contains("\"NOTE\": \"it's <b>&</b> for José\"", inspect.Output, StringComparison.Ordinal);
        Assert.Contains("\"NOTE\": \"it's <b>&</b> for José\"", list.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateListInspect_AppAndFn_ByName()
    {
        Assert.Equal(0, (await RunAsync("create", "app", "shop", "--config", "REGION=eu")).Code);
        Assert.Equal(0, (await RunAsync("create", "fn", "shop", "orders", "fnsharp/orders:1", "--memory", "64", "--timeout", "10")).Code);

        var apps = await RunAsync("list", "apps");
        var fns = await RunAsync("list", "fns", "shop");
        var app = await RunAsync("inspect", "app", "shop");
        var fnJson = await RunAsync("list", "fns", "shop", "--output", "json");

        Assert.Matches(@"^NAME\s+ID\nshop\s+[0-9A-Z]{26}\n$", apps.Output.ReplaceLineEndings("\n"));
        Assert.Matches(@"^NAME\s+IMAGE\s+MEMORY\s+TIMEOUT\s+ID\norders\s+fnsharp/orders:1\s+64 MiB\s+10 s\s+[0-9A-Z]{26}\n$", fns.Output.ReplaceLineEndings("\n"));
        Assert.Matches(@"(?m)^config\.REGION\s+eu$", app.Output.ReplaceLineEndings("\n"));
        Assert.Contains("\"image\": \"fnsharp/orders:1\"", fnJson.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_BodyOption_PrintsAnswerAndVerboseStatus()
    {
        await RunAsync("create", "app", "inv");
        await RunAsync("create", "fn", "inv", "echo", "fake");

        var (code, output, error) = await RunAsync("invoke", "inv", "echo", "--body", "{\"a\":1}", "-v");

        Assert.Equal(0, code);
        Assert.Equal("{\"a\":1}\n", output.ReplaceLineEndings("\n"));
        Assert.Matches(@"^Status: 200, Fn-Call-Id: [0-9A-Z]{26}", error);
    }

    [Fact]
    public async Task Invoke_BodyFromStdin_Sent()
    {
        await RunAsync("create", "app", "stdin");
        await RunAsync("create", "fn", "stdin", "echo", "fake");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CliApp.RunAsync(["invoke", "stdin", "echo", "--api-url", _url], CliRun.Io(output, error, with: io => io with { Input = new StringReader("from stdin"), InputRedirected = true }));

        Assert.Equal(0, code);
        Assert.Equal("from stdin\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Invoke_FunctionFails_NonZeroExitAndServerMessage()
    {
        _driver.Handler = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };
        await RunAsync("create", "app", "bad");
        await RunAsync("create", "fn", "bad", "f", "fake");

        var (code, output, error) = await RunAsync("invoke", "bad", "f");
        var callId = System.Text.RegularExpressions.Regex.Match(error, "call ([0-9A-Z]{26})").Groups[1].Value;

        Assert.Equal((1, ""), (code, output));
        Assert.Equal(
            $"Error: function failed (502, call {callId})\n" +
            $"See what it wrote: fnsharp logs get bad f {callId} --api-url {_url}\n" +
            $"See the call: fnsharp calls get bad f {callId} --api-url {_url}\n",
            error);
    }

    [Theory]
    [InlineData(new[] { "inspect", "app", "nope" }, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "list", "fns", "nope" }, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "create", "fn", "nope", "f", "img" }, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "inspect", "fn", "shop", "nope" }, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "create", "app", "bad name" }, "Error: app name must be 1 to 255 characters, each a letter, a digit, '_' or '-' (400)")]
    public async Task Command_ServerSaysNo_ErrorLineNextCommandAndExit1(string[] args, string message)
    {
        await RunAsync("create", "app", "shop");

        var (code, output, error) = await RunAsync(args);

        Assert.Equal((1, "", message.Replace("URL", _url, StringComparison.Ordinal) + "\n"), (code, output, error));
    }

    [Theory]
    [InlineData(new[] { "create", "app", "x", "--config", "NOEQUALS" }, "Error: config entry 'NOEQUALS' is not KEY=VALUE\nSee 'fnsharp create app --help'.")]
    [InlineData(new[] { "create", "app", "x", "--annotation", "team=payments" }, "Error: annotation 'team=payments' has a value that is not JSON; quote strings, for example team='\"text\"'\nSee 'fnsharp create app --help'.")]
    public async Task Command_BadValue_UsageErrorAndExit2(string[] args, string message)
    {
        var (code, output, error) = await RunAsync(args);

        Assert.Equal((2, "", message + "\n"), (code, output, error));
    }

    [Fact]
    public async Task CreateApp_Twice_ServerConflictMessage()
    {
        await RunAsync("create", "app", "twice");

        var (code, _, error) = await RunAsync("create", "app", "twice");

        Assert.Equal((1, "Error: App already exists (409)\n"), (code, error));
    }

    [Fact]
    public async Task Version_ServerUp_BothVersions()
    {
        var (code, output, _) = await RunAsync("version");

        Assert.Equal(0, code);
        Assert.Equal("Client version: 0.1.0\nServer version: 0.1.0\n", output.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AnyCommand_ServerDown_ClearErrorNonZeroExit()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Port 9 (discard) on loopback has no listener here: the connection is refused at once.
        var code = await CliApp.RunAsync(["list", "apps", "--api-url", "http://127.0.0.1:9"], CliRun.Io(output, error));

        Assert.Equal(1, code);
        Assert.StartsWith("Error: cannot reach the FnSharp server at http://127.0.0.1:9", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://au:hsecret4@127.0.0.1:9", "Error: cannot reach the FnSharp server at http://au:***@127.0.0.1:9")]
    [InlineData("au:hsecret4@127.0.0.1:9", "Error: the API URL 'au:***@127.0.0.1:9' is not an absolute http(s) URL")]
    public async Task AnyCommand_ApiUrlWithAPassword_ErrorHidesThePassword(string url, string expected)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await CliApp.RunAsync(["list", "apps", "--api-url", url], CliRun.Io(output, error));

        Assert.NotEqual(0, code);
        Assert.StartsWith(expected, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hsecret4", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("update", "app", "a", "--config", "K=v")]
    [InlineData("delete", "app", "a")]
    [InlineData("update", "fn", "a", "f", "img")]
    [InlineData("delete", "fn", "a", "f")]
    [InlineData("create", "trigger", "a", "f", "t")]
    [InlineData("list", "triggers", "a")]
    [InlineData("inspect", "trigger", "a", "f", "t")]
    [InlineData("update", "trigger", "a", "f", "t", "--source", "/x")]
    [InlineData("delete", "trigger", "a", "f", "t")]
    [InlineData("config", "app", "a", "K", "v")]
    [InlineData("config", "fn", "a", "f", "K", "v")]
    [InlineData("get", "config", "app", "a", "K")]
    [InlineData("unset", "config", "fn", "a", "f", "K")]
    [InlineData("list", "config", "app", "a")]
    public async Task ResourceCommand_ServerDown_ClearErrorNonZeroExit(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Port 9 (discard) on loopback has no listener here: the connection is refused at once.
        var code = await CliApp.RunAsync([.. args, "--api-url", "http://127.0.0.1:9"], CliRun.Io(output, error));

        Assert.Equal(1, code);
        Assert.StartsWith("Error: cannot reach the FnSharp server at http://127.0.0.1:9", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_NonZeroExit()
    {
        var (code, _, error) = await RunAsync("frobnicate");

        Assert.NotEqual(0, code);
        Assert.Contains("frobnicate", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://from-option:1", "http://from-env:2", "http://from-option:1")]
    [InlineData(null, "http://from-env:2", "http://from-env:2")]
    [InlineData(null, null, "http://from-file:3")]
    public void ResolveApiUrl_Precedence_OptionThenEnvironmentThenFile(string? option, string? environment, string expected)
    {
        var file = Path.Combine(TestDirectories.Create("fnsharp-cliconfig-"), "config.json");
        File.WriteAllText(file, """{"api_url":"http://from-file:3"}""");

        Assert.Equal(expected, CliContext.ResolveApiUrl(option, environment, file));
        File.Delete(file);
    }

    [Fact]
    public void ResolveApiUrl_Nothing_Localhost8080() =>
        Assert.Equal("http://localhost:8080", CliContext.ResolveApiUrl(null, null, "/nonexistent/config.json"));

    [Fact]
    public void ResolveApiUrl_NotAUrl_ClearError()
    {
        var e = Assert.Throws<CliException>(() => CliContext.ResolveApiUrl("localhost", null, null));

        Assert.Equal("the API URL 'localhost' is not an absolute http(s) URL, for example http://localhost:8080", e.Message);
    }

    private Task<(int Code, string Output, string Error)> RunAsync(params string[] args) => RunAsync((IEnumerable<string>)args);

    private async Task<(int Code, string Output, string Error)> RunAsync(IEnumerable<string> args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CliApp.RunAsync([.. args, "--api-url", _url], CliRun.Io(output, error));
        return (code, output.ToString(), error.ToString());
    }
}
