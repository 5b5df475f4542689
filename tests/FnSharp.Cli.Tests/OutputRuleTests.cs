using System.Text.Json;
using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// One rule for output, against the real server on loopback: with <c>--output json</c> every command prints
/// one JSON document on stdout, a list always as <c>{"items": [...]}</c> and a single resource as its
/// object; tables are for people.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class OutputRuleTests : CliServerTest
{
    public override async Task InitializeAsync()
    {
        await OkAsync("create", "app", "shop", "--config", "REGION=eu");
        await OkAsync("create", "fn", "shop", "orders", "img");
        await OkAsync("create", "trigger", "shop", "orders", "web");
    }

    [Theory]
    [InlineData("list", "apps")]
    [InlineData("list", "fns", "shop")]
    [InlineData("list", "triggers", "shop")]
    [InlineData("list", "config", "app", "shop")]
    [InlineData("list", "calls", "shop", "orders")]
    [InlineData("calls", "list", "shop", "orders")]
    public async Task List_Json_AlwaysTheItemsEnvelope(params string[] args)
    {
        var output = await OkAsync([.. args, "--output", "json"]);
        using var document = JsonDocument.Parse(output);

        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        Assert.Equal("items", Assert.Single(document.RootElement.EnumerateObject()).Name);
        Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("items").ValueKind);
    }

    [Theory]
    [InlineData("create", "app", "other")]
    [InlineData("update", "app", "shop", "--config", "A=1")]
    [InlineData("inspect", "app", "shop")]
    [InlineData("delete", "app", "shop")]
    public async Task AppCommand_Json_TheApp(params string[] args)
    {
        var (code, output, error) = await RunAsync([.. args, "-o", "json"]);
        using var document = JsonDocument.Parse(output);

        Assert.Equal((0, ""), (code, error));
        Assert.Equal(args[2], document.RootElement.GetProperty("name").GetString());
        Assert.Matches("^[0-9A-Z]{26}$", document.RootElement.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData(new[] { "create", "fn", "shop", "more", "img" }, "more")]
    [InlineData(new[] { "update", "fn", "shop", "orders", "--memory", "256" }, "orders")]
    [InlineData(new[] { "inspect", "fn", "shop", "orders" }, "orders")]
    [InlineData(new[] { "delete", "fn", "shop", "orders" }, "orders")]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "more" }, "more")]
    [InlineData(new[] { "update", "trigger", "shop", "orders", "web", "--source", "/new" }, "web")]
    [InlineData(new[] { "inspect", "trigger", "shop", "orders", "web" }, "web")]
    [InlineData(new[] { "delete", "trigger", "shop", "orders", "web" }, "web")]
    public async Task FnAndTriggerCommand_Json_TheResourceAlone(string[] args, string name)
    {
        var (code, output, error) = await RunAsync([.. args, "-o", "json"]);
        using var document = JsonDocument.Parse(output);

        Assert.Equal((0, ""), (code, error));
        Assert.Equal(name, document.RootElement.GetProperty("name").GetString());
        Assert.Matches("^[0-9A-Z]{26}$", document.RootElement.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData(new[] { "config", "app", "shop", "K", "v" }, "{\n  \"key\": \"K\",\n  \"value\": \"v\"\n}\n")]
    [InlineData(new[] { "get", "config", "app", "shop", "REGION" }, "{\n  \"key\": \"REGION\",\n  \"value\": \"eu\"\n}\n")]
    [InlineData(new[] { "unset", "config", "app", "shop", "REGION" }, "{\n  \"key\": \"REGION\",\n  \"value\": null\n}\n")]
    public async Task ConfigCommand_Json_TheEntry(string[] args, string expected)
    {
        var output = await OkAsync([.. args, "-o", "json"]);

        Assert.Equal(expected, output);
    }

    [Fact]
    public async Task Inspect_TableOutput_FieldsAsATable()
    {
        var output = await OkAsync("inspect", "app", "shop", "--output", "table");

        Assert.Matches(@"^FIELD\s+VALUE\nid\s+[0-9A-Z]{26}\nname\s+shop\nconfig\.REGION\s+eu\nannotations\s+\{\}\ncreated_at\s+\S+\nupdated_at\s+\S+\n$", output);
    }

    [Fact]
    public async Task Version_Json_ClientAndServer()
    {
        var output = await OkAsync("version", "-o", "json");

        Assert.Equal("{\n  \"client\": \"0.1.0\",\n  \"server\": \"0.1.0\"\n}\n", output);
    }

    [Fact]
    public async Task Invoke_Json_StatusCallIdContentTypeAndBody()
    {
        var (code, output, error) = await RunAsync("invoke", "shop", "orders", "--body", "{\"a\":1}", "-o", "json");
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;

        Assert.Equal((0, ""), (code, error));
        Assert.Equal(["status", "call_id", "content_type", "body"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal((200, "{\"a\":1}"), (root.GetProperty("status").GetInt32(), root.GetProperty("body").GetString()));
        Assert.Matches("^[0-9A-Z]{26}$", root.GetProperty("call_id").GetString());
    }

    [Fact]
    public async Task InvokeFailed_Json_TheDocumentOnStdoutTheErrorOnStderrAndExit1()
    {
        Driver.Handler = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };

        var (code, output, error) = await RunAsync("invoke", "shop", "orders", "-o", "json");
        using var document = JsonDocument.Parse(output);

        Assert.Equal(1, code);
        Assert.Equal(502, document.RootElement.GetProperty("status").GetInt32());
        Assert.StartsWith("Error: function failed (502, call ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeDetached_Json_TheQueuedCallsId()
    {
        var (code, output, error) = await RunAsync("invoke", "shop", "orders", "--detached", "-o", "json");
        using var document = JsonDocument.Parse(output);

        Assert.Equal(0, code);
        Assert.Equal("call_id", Assert.Single(document.RootElement.EnumerateObject()).Name);
        Assert.StartsWith("Queued. Follow it: fnsharp calls get shop orders ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_Json_NameRuntimeDirectoryAndFiles()
    {
        var target = Path.Combine(TestDirectories.Create("fnsharp-init-"), "hello");
        try
        {
            var output = await OkAsync("init", "--runtime", "node", "hello", "--dir", target, "-o", "json");
            using var document = JsonDocument.Parse(output);

            Assert.Equal(("hello", "node", target), (document.RootElement.GetProperty("name").GetString(), document.RootElement.GetProperty("runtime").GetString(), document.RootElement.GetProperty("directory").GetString()));
            Assert.Contains("func.yaml", document.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }
}
