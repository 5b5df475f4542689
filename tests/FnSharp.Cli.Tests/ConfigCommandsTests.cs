using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary><c>config</c>, <c>get config</c>, <c>unset config</c> and <c>list config</c> for apps and fns, in Fn's CLI shapes.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ConfigCommandsTests : CliServerTest
{
    [Fact]
    public async Task ConfigApp_SetGetListUnset_RoundTrip()
    {
        await OkAsync("create", "app", "shop", "--config", "KEEP=1");

        var set = await OkAsync("config", "app", "shop", "DB_URL", "postgres://db/orders");
        var get = await OkAsync("get", "config", "app", "shop", "DB_URL");
        var list = await OkAsync("list", "config", "app", "shop");
        var unset = await OkAsync("unset", "config", "app", "shop", "DB_URL");
        var json = await OkAsync("list", "config", "app", "shop", "--output", "json");

        Assert.Equal("shop updated DB_URL with postgres://db/orders\n", set);
        Assert.Equal("postgres://db/orders\n", get);
        Assert.Equal("KEY     VALUE\nDB_URL  postgres://db/orders\nKEEP    1\n", list);
        Assert.Equal("Removed key 'DB_URL' from app 'shop'\n", unset);
        Assert.Equal("{\n  \"items\": [\n    {\n      \"key\": \"KEEP\",\n      \"value\": \"1\"\n    }\n  ]\n}\n", json);
    }

    [Fact]
    public async Task ConfigFn_SetGetListUnset_RoundTrip()
    {
        await OkAsync("create", "app", "shop", "--config", "APP_ONLY=1");
        await OkAsync("create", "fn", "shop", "orders", "img");

        var set = await OkAsync("config", "fn", "shop", "orders", "GREETING", "hi there");
        var get = await OkAsync("get", "config", "fn", "shop", "orders", "GREETING");
        var list = await OkAsync("list", "config", "fn", "shop", "orders");
        var unset = await OkAsync("unset", "config", "fn", "shop", "orders", "GREETING");
        var after = await OkAsync("list", "config", "fn", "shop", "orders");

        Assert.Equal("orders updated GREETING with hi there\n", set);
        Assert.Equal("hi there\n", get);
        Assert.Equal("KEY       VALUE\nGREETING  hi there\n", list);
        Assert.Equal("Removed key 'GREETING' from fn 'orders'\n", unset);
        Assert.Equal("KEY  VALUE\n", after);
    }

    [Theory]
    [InlineData(new[] { "config", "app", "nope", "K", "v" }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "config", "fn", "shop", "nope", "K", "v" }, 1, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "get", "config", "app", "nope", "K" }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "get", "config", "app", "shop", "MISSING" }, 1, "Error: config key 'MISSING' not found in app 'shop'\nSee its config: fnsharp list config app shop --api-url URL")]
    [InlineData(new[] { "get", "config", "fn", "shop", "orders", "MISSING" }, 1, "Error: config key 'MISSING' not found in fn 'orders'\nSee its config: fnsharp list config fn shop orders --api-url URL")]
    [InlineData(new[] { "unset", "config", "fn", "nope", "f", "K" }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "list", "config", "app", "nope" }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "list", "config", "fn", "shop", "nope" }, 1, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "config", "app", "shop", "", "v" }, 2, "Error: the config key is empty\nSee 'fnsharp config app --help'.")]
    public async Task ConfigCommand_BadInput_ErrorLinesAndExitCode(string[] args, int expectedCode, string message)
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");

        var (code, output, error) = await RunAsync(args);

        Assert.Equal((expectedCode, "", message.Replace("URL", Url, StringComparison.Ordinal) + "\n"), (code, output, error));
    }

    [Theory]
    [InlineData("app", "shop")]
    [InlineData("fn", "shop", "orders")]
    public async Task UnsetConfig_KeyNotSet_NothingToDoAndExit0(params string[] target)
    {
        await OkAsync("create", "app", "shop", "--config", "KEEP=1");
        await OkAsync("create", "fn", "shop", "orders", "img", "--config", "KEEP=1");

        var (code, output, error) = await RunAsync(["unset", "config", .. target, "MISSING"]);
        var json = await RunAsync(["unset", "config", .. target, "MISSING", "-o", "json"]);
        var kept = await OkAsync(["list", "config", .. target]);

        Assert.Equal((0, $"Config key 'MISSING' is not set in {target[0]} '{target[^1]}'. Nothing to do.\n", ""), (code, output, error));
        Assert.Equal((0, "{\n  \"key\": \"MISSING\",\n  \"value\": null\n}\n"), (json.Code, json.Output));
        Assert.Equal("KEY   VALUE\nKEEP  1\n", kept);
    }

    [Fact]
    public async Task ConfigApp_MissingValue_UsageErrorNonZero()
    {
        await OkAsync("create", "app", "shop");

        var (code, _, error) = await RunAsync("config", "app", "shop", "K");

        Assert.Equal((2, "Error: missing <value> (the value)\nUsage: fnsharp config app <app> <key> <value> [options]\nSee 'fnsharp config app --help'.\n"), (code, error));
    }
}
