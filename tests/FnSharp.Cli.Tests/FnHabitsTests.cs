using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// Fn's habits against the real server on loopback: Fn's spellings of the nouns and verbs, the field form of
/// <c>inspect</c>, and <c>unset config</c> of a key that is not set.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class FnHabitsTests : CliServerTest
{
    public override async Task InitializeAsync()
    {
        await OkAsync("create", "app", "shop", "--config", "REGION=eu");
        await OkAsync("create", "fn", "shop", "orders", "fnsharp/orders:1", "--config", "GREETING=hi", "--annotation", "team=\"payments\"");
        await OkAsync("create", "trigger", "shop", "orders", "web", "--source", "/web");
    }

    [Theory]
    [InlineData("list", "functions", "shop")]
    [InlineData("list", "function", "shop")]
    [InlineData("list", "fns", "shop")]
    [InlineData("list", "fn", "shop")]
    [InlineData("list", "funcs", "shop")]
    [InlineData("list", "f", "shop")]
    [InlineData("ls", "functions", "shop")]
    [InlineData("ls", "fns", "shop")]
    public async Task ListFns_EveryFnSpelling_TheFnsOfTheApp(params string[] args)
    {
        var output = await OkAsync(args);

        Assert.Matches(@"^NAME\s+IMAGE\s+MEMORY\s+TIMEOUT\s+ID\norders\s+fnsharp/orders:1\s", output);
    }

    [Theory]
    [InlineData("create", "function")]
    [InlineData("create", "func")]
    [InlineData("c", "fn")]
    [InlineData("create", "f")]
    public async Task CreateFn_FnSpellingsAndShortVerb_Created(string verb, string noun)
    {
        var output = await OkAsync(verb, noun, "shop", "more", "img");

        Assert.StartsWith("Successfully created fn: more (", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "list", "apps" }, "shop")]
    [InlineData(new[] { "list", "app" }, "shop")]
    [InlineData(new[] { "ls", "a" }, "shop")]
    [InlineData(new[] { "list", "triggers", "shop" }, "web")]
    [InlineData(new[] { "ls", "trigger", "shop", "orders" }, "web")]
    [InlineData(new[] { "list", "tr", "shop" }, "web")]
    [InlineData(new[] { "i", "function", "shop", "orders", "name" }, "orders")]
    [InlineData(new[] { "inspect", "a", "shop", "name" }, "shop")]
    [InlineData(new[] { "inspect", "t", "shop", "orders", "web", "source" }, "/web")]
    [InlineData(new[] { "get", "config", "function", "shop", "orders", "GREETING" }, "hi")]
    [InlineData(new[] { "g", "cf", "a", "shop", "REGION" }, "eu")]
    [InlineData(new[] { "list", "config", "function", "shop", "orders" }, "GREETING")]
    public async Task Command_FnSpellings_Understood(string[] args, string expected)
    {
        var output = await OkAsync(args);

        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFn_ShortVerbAndFunctionNoun_Set()
    {
        var output = await OkAsync("cf", "function", "shop", "orders", "LEVEL", "debug");
        var get = await OkAsync("get", "config", "fn", "shop", "orders", "LEVEL");

        Assert.Equal(("orders updated LEVEL with debug\n", "debug\n"), (output, get));
    }

    [Fact]
    public async Task UpdateAndDelete_ShortVerbs_Done()
    {
        var update = await OkAsync("up", "function", "shop", "orders", "--memory", "256");
        var delete = await OkAsync("d", "trigger", "shop", "orders", "web");

        Assert.StartsWith("Successfully updated fn: orders (", update, StringComparison.Ordinal);
        Assert.Equal("Successfully deleted trigger: web\n", delete);
    }

    [Theory]
    [InlineData(new[] { "inspect", "fn", "shop", "orders", "image" }, "fnsharp/orders:1\n")]
    [InlineData(new[] { "inspect", "fn", "shop", "orders", "memory" }, "128\n")]
    [InlineData(new[] { "inspect", "fn", "shop", "orders", "config.GREETING" }, "hi\n")]
    [InlineData(new[] { "inspect", "fn", "shop", "orders", "config" }, "KEY       VALUE\nGREETING  hi\n")]
    [InlineData(new[] { "inspect", "fn", "shop", "orders", "annotations.team" }, "payments\n")]
    [InlineData(new[] { "inspect", "fn", "shop", "orders", "annotations.fnproject.io/fn/invokeEndpoint" }, "URL/invoke/FNID\n")]
    [InlineData(new[] { "inspect", "fn", "shop", "orders", "image", "-o", "json" }, "\"fnsharp/orders:1\"\n")]
    [InlineData(new[] { "inspect", "fn", "shop", "orders", "config", "-o", "json" }, "{\n  \"GREETING\": \"hi\"\n}\n")]
    [InlineData(new[] { "inspect", "app", "shop", "config.REGION" }, "eu\n")]
    [InlineData(new[] { "inspect", "trigger", "shop", "orders", "web", "annotations.fnproject.io/trigger/httpEndpoint" }, "URL/t/shop/web\n")]
    public async Task Inspect_Field_PrintsThatFieldAlone(string[] args, string expected)
    {
        var fnId = (await OkAsync("inspect", "fn", "shop", "orders", "id")).TrimEnd('\n');

        var output = await OkAsync(args);

        Assert.Equal(expected.Replace("URL", Url, StringComparison.Ordinal).Replace("FNID", fnId, StringComparison.Ordinal), output);
    }

    [Fact]
    public async Task Inspect_NoField_TableOfFieldsWithoutAnEmptyShape()
    {
        var output = await OkAsync("inspect", "fn", "shop", "orders");
        var json = await OkAsync("inspect", "app", "shop", "-o", "json");

        Assert.Matches(@"^FIELD\s+VALUE\nid\s+[0-9A-Z]{26}\nname\s+orders\napp_id\s+[0-9A-Z]{26}\nimage\s+fnsharp/orders:1\nmemory\s+128\ntimeout\s+30\nidle_timeout\s+30\nconfig\.GREETING\s+hi\nannotations\.fnproject\.io/fn/invokeEndpoint\s+http://\S+\nannotations\.team\s+payments\ncreated_at\s+\S+\nupdated_at\s+\S+\n$", output);
        Assert.DoesNotContain("shape", output, StringComparison.Ordinal);
        Assert.DoesNotContain("shape", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_UnknownField_UsageErrorWithTheFieldMeant()
    {
        var (code, output, error) = await RunAsync("inspect", "fn", "shop", "orders", "imag");

        Assert.Equal(
            (2, "", "Error: a fn has no field 'imag': did you mean 'image'? Its fields: id, name, app_id, image, memory, timeout, idle_timeout, config, annotations, shape, created_at, updated_at\nSee 'fnsharp inspect fn --help'.\n"),
            (code, output, error));
    }

    [Fact]
    public async Task Inspect_UnknownFieldLikeNone_UsageErrorEndsItsSentence()
    {
        var (code, output, error) = await RunAsync("inspect", "fn", "shop", "orders", "bogus");

        Assert.Equal(
            (2, "", "Error: a fn has no field 'bogus'. Its fields: id, name, app_id, image, memory, timeout, idle_timeout, config, annotations, shape, created_at, updated_at\nSee 'fnsharp inspect fn --help'.\n"),
            (code, output, error));
    }

    [Theory]
    [InlineData("syslog_url")]
    [InlineData("shape")]
    [InlineData("annotations")]
    [InlineData("syslog_url", "-o", "json")]
    public async Task Inspect_FieldWithoutValue_ErrorAsFnCliNotAnEmptyLine(params string[] field)
    {
        // Fn's server leaves these out of an app's JSON, and `fn inspect app shop syslog_url` fails: "Failed to inspect field syslog_url".
        var (code, output, error) = await RunAsync(["inspect", "app", "shop", .. field]);

        Assert.Equal((1, "", $"Error: app 'shop' has no {field[0]}\nSee its fields: fnsharp inspect app shop --api-url {Url}\n"), (code, output, error));
    }

    [Fact]
    public async Task Inspect_EmptyConfig_ErrorAsFnCli()
    {
        await OkAsync("create", "fn", "shop", "bare", "fnsharp/bare:1");

        var (code, output, error) = await RunAsync("inspect", "fn", "shop", "bare", "config");

        Assert.Equal((1, "", $"Error: fn 'bare' has no config\nSee its fields: fnsharp inspect fn shop bare --api-url {Url}\n"), (code, output, error));
    }

    [Theory]
    [InlineData(new string[0], "\n")]
    [InlineData(new[] { "-o", "json" }, "\"\"\n")]
    public async Task Inspect_KeyWithEmptyValue_PrintsItAsGetConfigDoes(string[] options, string expected)
    {
        // The key is there (list config and get config show it): only a field without a value is an error.
        await OkAsync("create", "app", "blank", "--config", "EMPTY=");

        var (code, output, error) = await RunAsync(["inspect", "app", "blank", "config.EMPTY", .. options]);

        Assert.Equal((0, expected, ""), (code, output, error));
    }

    [Fact]
    public async Task Inspect_MissingKey_ErrorAndTheCommandThatListsTheFields()
    {
        var (code, output, error) = await RunAsync("inspect", "fn", "shop", "orders", "config.NOPE");

        Assert.Equal((1, "", $"Error: fn 'orders' has no config.NOPE\nSee its fields: fnsharp inspect fn shop orders --api-url {Url}\n"), (code, output, error));
    }
}
