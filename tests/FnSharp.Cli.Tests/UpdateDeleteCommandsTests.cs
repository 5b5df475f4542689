using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary><c>update</c> and <c>delete</c> of apps and fns, and <c>--annotation</c> on create and update.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class UpdateDeleteCommandsTests : CliServerTest
{
    [Fact]
    public async Task UpdateApp_ConfigAndAnnotations_MergedAndEmptyValueRemovesKey()
    {
        await OkAsync("create", "app", "shop", "--config", "A=1", "--config", "C=3", "--annotation", "team=\"pay\"");

        var output = await OkAsync("update", "app", "shop", "--config", "A=", "--config", "B=2", "--annotation", "tier=1");
        var app = await OkAsync("inspect", "app", "shop", "-o", "json");

        Assert.Equal("Successfully updated app: shop\n", output);
        Assert.Matches("\"config\": \\{\\s*\"B\": \"2\",\\s*\"C\": \"3\"\\s*\\}", app);
        Assert.Matches("\"annotations\": \\{\\s*\"team\": \"pay\",\\s*\"tier\": 1\\s*\\}", app);
    }

    [Fact]
    public async Task UpdateApp_SyslogUrl_SetThenCleared()
    {
        await OkAsync("create", "app", "logs");

        await OkAsync("update", "app", "logs", "--syslog-url", "tcp://logs.example:514");
        var set = await OkAsync("inspect", "app", "logs", "-o", "json");
        await OkAsync("update", "app", "logs", "--syslog-url", "");
        var cleared = await OkAsync("inspect", "app", "logs", "-o", "json");

        Assert.Contains("\"syslog_url\": \"tcp://logs.example:514\"", set, StringComparison.Ordinal);
        Assert.DoesNotContain("syslog_url", cleared, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateFn_ImageLimitsConfig_Replaced()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "fnsharp/orders:1", "--memory", "64", "--annotation", "owner=\"ops\"");

        var output = await OkAsync("update", "fn", "shop", "orders", "fnsharp/orders:2", "--memory", "256", "--timeout", "60", "--idle-timeout", "120", "--config", "K=v");
        var fn = await OkAsync("inspect", "fn", "shop", "orders", "-o", "json");

        Assert.StartsWith("Successfully updated fn: orders (", output, StringComparison.Ordinal);
        foreach (var expected in new[] { "\"image\": \"fnsharp/orders:2\"", "\"memory\": 256", "\"timeout\": 60", "\"idle_timeout\": 120", "\"K\": \"v\"", "\"owner\": \"ops\"" })
        {
            Assert.Contains(expected, fn, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UpdateFn_NoImage_KeepsImage()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "fnsharp/orders:1");

        await OkAsync("update", "fn", "shop", "orders", "--timeout", "5");
        var fn = await OkAsync("inspect", "fn", "shop", "orders", "-o", "json");

        Assert.Contains("\"image\": \"fnsharp/orders:1\"", fn, StringComparison.Ordinal);
        Assert.Contains("\"timeout\": 5", fn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteApp_Existing_GoneWithItsFns()
    {
        await OkAsync("create", "app", "gone");
        await OkAsync("create", "fn", "gone", "f", "img");
        await OkAsync("create", "app", "kept");

        var output = await OkAsync("delete", "app", "gone");
        var apps = await OkAsync("list", "apps");

        Assert.Equal("Successfully deleted app: gone\n", output);
        Assert.Matches(@"^NAME\s+ID\nkept\s+[0-9A-Z]{26}\n$", apps);
    }

    [Fact]
    public async Task DeleteFn_Existing_Gone()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "a", "img");
        await OkAsync("create", "fn", "shop", "b", "img");

        var output = await OkAsync("delete", "fn", "shop", "a");
        var fns = await OkAsync("list", "fns", "shop", "--output", "json");

        Assert.Equal("Successfully deleted fn: a\n", output);
        Assert.DoesNotContain("\"name\": \"a\"", fns, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"b\"", fns, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "update", "app", "nope", "--config", "A=1" }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "delete", "app", "nope" }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "update", "fn", "nope", "f", "img" }, 1, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "update", "fn", "shop", "nope", "img" }, 1, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "delete", "fn", "shop", "nope" }, 1, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "update", "fn", "shop", "orders", "--memory", "9000" }, 1, "Error: memory value is out of range. It should be between 0 and 8192 (400)")]
    [InlineData(new[] { "update", "app", "shop", "--syslog-url", "ftp://x" }, 1, "Error: invalid syslog url: ")]
    [InlineData(new[] { "update", "app", "shop", "--annotation", "team=payments" }, 2, "Error: annotation 'team=payments' has a value that is not JSON; quote strings, for example team='\"text\"'\nSee 'fnsharp update app --help'.")]
    [InlineData(new[] { "create", "app", "other", "--annotation", "novalue" }, 2, "Error: annotation 'novalue' is not KEY=JSON\nSee 'fnsharp create app --help'.")]
    [InlineData(new[] { "create", "fn", "shop", "g", "img", "--annotation", "bad key=1" }, 1, "Error: Invalid annotation key, annotation keys must be non-empty ascii strings excluding whitespace (400)")]
    [InlineData(new[] { "update", "fn", "shop", "orders", "--annotation", "k=true" }, 1, "Error: Invalid annotation value, annotation values may only be non-empty strings, numbers, objects, or arrays (400)")]
    public async Task UpdateDelete_BadInput_ErrorLinesAndExitCode(string[] args, int expectedCode, string message)
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");

        var (code, _, error) = await RunAsync(args);

        Assert.Equal(expectedCode, code);
        Assert.StartsWith(message.Replace("URL", Url, StringComparison.Ordinal), error, StringComparison.Ordinal);
    }
}
