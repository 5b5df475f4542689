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
        Assert.Equal("{\n  \"KEEP\": \"1\"\n}\n", json);
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
    [InlineData(new[] { "config", "app", "nope", "K", "v" }, "Error: app 'nope' not found")]
    [InlineData(new[] { "config", "fn", "shop", "nope", "K", "v" }, "Error: fn 'nope' not found in app 'shop'")]
    [InlineData(new[] { "get", "config", "app", "nope", "K" }, "Error: app 'nope' not found")]
    [InlineData(new[] { "get", "config", "app", "shop", "MISSING" }, "Error: config key 'MISSING' not found in app 'shop'")]
    [InlineData(new[] { "get", "config", "fn", "shop", "orders", "MISSING" }, "Error: config key 'MISSING' not found in fn 'orders'")]
    [InlineData(new[] { "unset", "config", "app", "shop", "MISSING" }, "Error: config key 'MISSING' not found in app 'shop'")]
    [InlineData(new[] { "unset", "config", "fn", "nope", "f", "K" }, "Error: app 'nope' not found")]
    [InlineData(new[] { "list", "config", "app", "nope" }, "Error: app 'nope' not found")]
    [InlineData(new[] { "list", "config", "fn", "shop", "nope" }, "Error: fn 'nope' not found in app 'shop'")]
    [InlineData(new[] { "config", "app", "shop", "", "v" }, "Error: the config key is empty")]
    public async Task ConfigCommand_BadInput_ErrorLineAndExit1(string[] args, string message)
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");

        var (code, _, error) = await RunAsync(args);

        Assert.Equal((1, message), (code, error.Trim()));
    }

    [Fact]
    public async Task ConfigApp_MissingValue_UsageErrorNonZero()
    {
        await OkAsync("create", "app", "shop");

        var (code, _, error) = await RunAsync("config", "app", "shop", "K");

        Assert.NotEqual(0, code);
        Assert.Contains("Required argument missing for command: 'app'", error, StringComparison.Ordinal);
    }
}
