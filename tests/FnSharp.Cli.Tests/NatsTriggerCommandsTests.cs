using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// Nats triggers from the CLI: <c>create trigger --type nats</c> and <c>list triggers</c>, against a server
/// whose <c>FN_NATS_URL</c> names a port where nothing listens (the server runs on and stores the triggers).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class NatsTriggerCommandsTests() : CliServerTest(new Dictionary<string, string> { ["FN_NATS_URL"] = "nats://127.0.0.1:1" })
{
    [Fact]
    public async Task CreateNatsTrigger_CreatedAndListed()
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");

        var output = await OkAsync("create", "trigger", "shop", "orders", "on-order", "--type", "nats", "--source", "orders.created");
        var list = await OkAsync("list", "triggers", "shop");

        Assert.Equal("Successfully created trigger: on-order\n", output);
        Assert.Matches(@"\norders\s+on-order\s+nats\s+orders\.created\s+[0-9A-Z]{26}\n$", list);
    }

    [Theory]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "t", "--type", "nats" }, "Error: a nats trigger needs its subject: --source orders.created")]
    [InlineData(new[] { "create", "trigger", "shop", "orders", "t", "--type", "nats", "--source", "orders..created" }, "Error: Invalid NATS subject 'orders..created': use tokens of printable characters without spaces separated by '.', such as 'orders.created' ('*' and '>' as wildcards) (400)")]
    public async Task CreateNatsTrigger_BadInput_ErrorLineAndExit1(string[] args, string message)
    {
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "orders", "img");

        var (code, output, error) = await RunAsync(args);

        Assert.Equal((1, "", message + "\n"), (code, output, error));
    }
}
