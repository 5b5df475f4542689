using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary><c>create|list|inspect|update|delete trigger(s)</c>, addressed as APP FN NAME.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class TriggerCommandsTests : CliServerTest
{
    [Fact]
    public async Task CreateTrigger_NoSource_SourceIsSlashNameAndEndpointPrinted()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");

        var output = await OkAsync("create", "trigger", "shop", "orders", "orders-http");
        var trigger = await OkAsync("inspect", "trigger", "shop", "orders", "orders-http", "-o", "json");

        Assert.Equal($"Successfully created trigger: orders-http\nTrigger Endpoint: {Url}/t/shop/orders-http\n", output);
        Assert.Contains("\"source\": \"/orders-http\"", trigger, StringComparison.Ordinal);
        Assert.Contains("\"type\": \"http\"", trigger, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTriggers_AppAndFn_TableWithFnNamesAndJson()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");
        await OkAsync("create", "fn", "shop", "users", "img");
        await OkAsync("create", "trigger", "shop", "orders", "o", "--source", "/orders");
        await OkAsync("create", "trigger", "shop", "users", "u", "--source", "/users", "--annotation", "public=1");

        var all = await OkAsync("list", "triggers", "shop");
        var one = await OkAsync("list", "triggers", "shop", "users", "--output", "json");

        Assert.Matches(
            $@"^FUNCTION\s+NAME\s+TYPE\s+SOURCE\s+ENDPOINT\s+NEXT RUN\s+ID\norders\s+o\s+http\s+/orders\s+{Url}/t/shop/orders\s+[0-9A-Z]{{26}}\nusers\s+u\s+http\s+/users\s+{Url}/t/shop/users\s+[0-9A-Z]{{26}}\n$",
            all);
        Assert.Contains("\"name\": \"u\"", one, StringComparison.Ordinal);
        Assert.Contains("\"public\": 1", one, StringComparison.Ordinal);
        Assert.DoesNotContain("\"name\": \"o\"", one, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListTriggers_None_HeaderOnly()
    {
        await OkAsync("create", "app", "empty");

        Assert.Equal("FUNCTION  NAME  TYPE  SOURCE  ENDPOINT  NEXT RUN  ID\n", await OkAsync("list", "triggers", "empty"));
    }

    [Fact]
    public async Task UpdateTrigger_SourceAndAnnotation_Changed()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");
        await OkAsync("create", "trigger", "shop", "orders", "o", "--source", "/old");

        var output = await OkAsync("update", "trigger", "shop", "orders", "o", "--source", "/new", "--annotation", "v=2");
        var trigger = await OkAsync("inspect", "trigger", "shop", "orders", "o", "-o", "json");

        Assert.Equal("Successfully updated trigger: o\n", output);
        Assert.Contains("\"source\": \"/new\"", trigger, StringComparison.Ordinal);
        Assert.Contains("\"v\": 2", trigger, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteTrigger_Existing_Gone()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");
        await OkAsync("create", "trigger", "shop", "orders", "o");

        var output = await OkAsync("delete", "trigger", "shop", "orders", "o");
        var (code, _, error) = await RunAsync("inspect", "trigger", "shop", "orders", "o");

        Assert.Equal("Successfully deleted trigger: o\n", output);
        Assert.Equal((1, $"Error: trigger 'o' not found on fn 'orders' in app 'shop'\nSee its triggers: fnsharp list triggers shop orders --api-url {Url}\n"), (code, error));
    }

    [Theory]
    [InlineData(new[] { "create", "trigger", "nope", "orders", "t" }, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "create", "trigger", "shop", "nope", "t" }, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "list", "triggers", "nope" }, "Error: app 'nope' not found\nSee the apps: fnsharp list apps --api-url URL")]
    [InlineData(new[] { "list", "triggers", "shop", "nope" }, "Error: fn 'nope' not found in app 'shop'\nSee its fns: fnsharp list fns shop --api-url URL")]
    [InlineData(new[] { "inspect", "trigger", "shop", "orders", "nope" }, "Error: trigger 'nope' not found on fn 'orders' in app 'shop'\nSee its triggers: fnsharp list triggers shop orders --api-url URL")]
    [InlineData(new[] { "update", "trigger", "shop", "orders", "nope", "--source", "/x" }, "Error: trigger 'nope' not found on fn 'orders' in app 'shop'\nSee its triggers: fnsharp list triggers shop orders --api-url URL")]
    [InlineData(new[] { "delete", "trigger", "shop", "orders", "nope" }, "Error: trigger 'nope' not found on fn 'orders' in app 'shop'\nSee its triggers: fnsharp list triggers shop orders --api-url URL")]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "t", "--source", "nosla" }, "Error: Missing Trigger Source Prefix '/' (400)")]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "t", "--source", "0 * * * *" }, "Error: Missing Trigger Source Prefix '/': '0 * * * *' is a cron schedule, so the trigger needs \"type\": \"cron\" (fnsharp create trigger ... --type cron); an http trigger's source is a path such as /hello (400)")]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "t", "--source", "@hourly" }, "Error: Missing Trigger Source Prefix '/': '@hourly' is a cron schedule, so the trigger needs \"type\": \"cron\" (fnsharp create trigger ... --type cron); an http trigger's source is a path such as /hello (400)")]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "t", "--type", "kafka" }, "Error: Trigger Type Not Supported (400)")]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "bad name" }, "Error: trigger name must be 1 to 255 characters, each a letter, a digit, '_' or '-' (400)")]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "t", "--source", "/taken" }, "Error: Trigger with the same type and source exists on this app (409)")]
    [InlineData(new[] { "update", "trigger", "shop", "orders", "existing", "--source", "bad" }, "Error: Missing Trigger Source Prefix '/' (400)")]
    public async Task TriggerCommand_BadInput_ErrorLineAndExit1(string[] args, string message)
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");
        await OkAsync("create", "trigger", "shop", "orders", "existing", "--source", "/taken");

        var (code, output, error) = await RunAsync(args);

        Assert.Equal((1, "", message.Replace("URL", Url, StringComparison.Ordinal) + "\n"), (code, output, error));
    }
}
