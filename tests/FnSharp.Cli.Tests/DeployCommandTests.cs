using FnSharp.Testing;

namespace FnSharp.Cli.Tests;

/// <summary>
/// <c>deploy</c>: the image built on the real Docker engine, the fn and its triggers created or updated
/// on a real server on loopback (fake containers: nothing is invoked here).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DeployCommandTests : CliServerTest
{
    private readonly FunctionFolder _fn = new();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _fn.DisposeAsync();
    }

    [Fact]
    public async Task Deploy_CreateApp_BumpsBuildsAndCreatesAppFnAndTriggers()
    {
        _fn.WithDockerFunction("""
            # limits
            memory: 64   # MiB
            timeout: 10
            idle_timeout: 20
            config:
              GREETING: hi
            annotations:
              team: payments
              tier: 2
            triggers:
            - name: web
              type: http
              source: /web
            """);
        var before = _fn.Read("func.yaml");

        var (code, output, error) = await RunAsync("deploy", "--app", "shop", "--create-app", "--path", _fn.Path);
        var fn = await OkAsync("inspect", "fn", "shop", _fn.Name, "-o", "json");
        var trigger = await OkAsync("inspect", "trigger", "shop", _fn.Name, "web", "-o", "json");

        Assert.True(code == 0, error);
        Assert.Equal(
            $"Deploying {_fn.Name} to app: shop\nBumped to version 0.0.2\nBuilding image {_fn.Name}:0.0.2\nSuccessfully created app: shop\n" +
            $"Successfully created function: {_fn.Name} with {_fn.Name}:0.0.2\nSuccessfully created trigger: web\nTrigger Endpoint: {Url}/t/shop/web\n",
            output);
        Assert.Matches($@"^docker build {_fn.Name}:0\.0\.2\.\.\.\ndone: docker build {_fn.Name}:0\.0\.2 \(\d+:\d\d\)\n$", error);
        Assert.Equal(before.Replace("version: 0.0.1", "version: 0.0.2", StringComparison.Ordinal), _fn.Read("func.yaml"));
        Assert.Equal([$"{_fn.Name}:0.0.2"], await _fn.ImagesAsync());
        foreach (var expected in new[] { $"\"image\": \"{_fn.Name}:0.0.2\"", "\"memory\": 64", "\"timeout\": 10", "\"idle_timeout\": 20", "\"GREETING\": \"hi\"", "\"team\": \"payments\"", "\"tier\": 2" })
        {
            Assert.Contains(expected, fn, StringComparison.Ordinal);
        }

        Assert.Contains("\"source\": \"/web\"", trigger, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_Again_UpdatesFnAndTriggerFromFuncYaml()
    {
        _fn.WithDockerFunction("memory: 64\nconfig:\n  A: one\ntriggers:\n- name: web\n  type: http\n  source: /old\n- name: same\n  type: http\n  source: /same\n");
        await OkAsync("deploy", "--app", "shop", "--create-app", "--path", _fn.Path);
        await OkAsync("config", "fn", "shop", _fn.Name, "BY_HAND", "kept");
        _fn.Write("func.yaml", _fn.Read("func.yaml").Replace("memory: 64", "memory: 256", StringComparison.Ordinal).Replace("A: one", "A: two", StringComparison.Ordinal).Replace("/old", "/new", StringComparison.Ordinal));

        var output = await OkAsync("deploy", "--app", "shop", "--path", _fn.Path);
        var fn = await OkAsync("inspect", "fn", "shop", _fn.Name, "-o", "json");
        var triggers = await OkAsync("list", "triggers", "shop", _fn.Name);

        Assert.Equal(
            $"Deploying {_fn.Name} to app: shop\nBumped to version 0.0.3\nBuilding image {_fn.Name}:0.0.3\n" +
            $"Successfully updated function: {_fn.Name} with {_fn.Name}:0.0.3\nSuccessfully updated trigger: web\nTrigger Endpoint: {Url}/t/shop/new\n" +
            $"Trigger unchanged: same\nTrigger Endpoint: {Url}/t/shop/same\n",
            output);
        Assert.Contains("version: 0.0.3", _fn.Read("func.yaml"), StringComparison.Ordinal);
        foreach (var expected in new[] { $"\"image\": \"{_fn.Name}:0.0.3\"", "\"memory\": 256", "\"A\": \"two\"", "\"BY_HAND\": \"kept\"" })
        {
            Assert.Contains(expected, fn, StringComparison.Ordinal);
        }

        Assert.Matches($@"\s+web\s+http\s+/new\s+", triggers);
        Assert.Equal([$"{_fn.Name}:0.0.2", $"{_fn.Name}:0.0.3"], await _fn.ImagesAsync());
    }

    [Fact]
    public async Task Deploy_CronTriggerOnTheScheduleOfAnotherFn_CreatedWithNextRunsThenUnchanged()
    {
        // Cron schedules are unique per fn: another fn of the app may hold the same one.
        await OkAsync("create", "app", "shop");
        await OkAsync("create", "fn", "shop", "other", "img");
        await OkAsync("create", "trigger", "shop", "other", "tick", "--type", "cron", "--source", "*/5 * * * *");
        _fn.WithDockerFunction("triggers:\n- name: tick\n  type: cron\n  source: '*/5 * * * *'\n  annotations:\n    fnsharp.io/cron-timezone: Europe/Paris\n");

        var first = await OkAsync("deploy", "--app", "shop", "--path", _fn.Path);
        var again = await OkAsync("deploy", "--app", "shop", "--path", _fn.Path);
        var list = await OkAsync("list", "triggers", "shop");
        var zone = await OkAsync("inspect", "trigger", "shop", _fn.Name, "tick", "annotations.fnsharp.io/cron-timezone");

        Assert.Matches(@"\nSuccessfully created trigger: tick\nNext runs \(UTC\): (\d{4}-\d\d-\d\dT\d\d:\d[05]:00\.000Z, ){4}\d{4}-\d\d-\d\dT\d\d:\d[05]:00\.000Z\n$", first);
        Assert.Matches(@"\nTrigger unchanged: tick\nNext runs \(UTC\): \d{4}-", again);
        Assert.Matches(@"\nother\s+tick\s+cron\s+\*/5 \* \* \* \*\s", list);
        Assert.Matches($@"\n{_fn.Name}\s+tick\s+cron\s+\*/5 \* \* \* \*\s", list);
        Assert.Contains("Europe/Paris", zone, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_NoBump_VersionAndFileKept()
    {
        _fn.WithDockerFunction(version: "2.0.0");
        await OkAsync("create", "app", "shop");
        var before = _fn.Read("func.yaml");

        var output = await OkAsync("deploy", "--app", "shop", "--no-bump", "--path", _fn.Path);

        Assert.Equal($"Deploying {_fn.Name} to app: shop\nBuilding image {_fn.Name}:2.0.0\nSuccessfully created function: {_fn.Name} with {_fn.Name}:2.0.0\n", output);
        Assert.Equal(before, _fn.Read("func.yaml"));
    }

    [Fact]
    public async Task Deploy_ServerRefusesTheFn_ServerMessageAndExit1()
    {
        // func.yaml is valid alone; what the fn has already makes the merged fn one the server refuses.
        await OkAsync("create", "app", "shop");
        await OkAsync(["create", "fn", "shop", _fn.Name, "before:1", .. Enumerable.Range(0, 100).SelectMany(i => new[] { "--annotation", $"k{i}=1" })]);
        _fn.WithDockerFunction("annotations:\n  one-more: 1\n");

        var (code, output, error) = await RunAsync("deploy", "--app", "shop", "--path", _fn.Path);

        Assert.Equal(1, code);
        Assert.EndsWith($"Bumped to version 0.0.2\nBuilding image {_fn.Name}:0.0.2\n", output, StringComparison.Ordinal);
        Assert.EndsWith("\nError: Invalid annotation change, new key(s) exceed maximum permitted number of annotations keys (100) (400)\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_TriggerAnnotations_SetOnCreateAndMergedOnUpdate()
    {
        _fn.WithDockerFunction("annotations:\n  fnsharp.io/async-retries: 2\n  gone:\ntriggers:\n- name: web\n  annotations:\n    fnsharp.io/invoke-type: detached\n    team: a\n");
        await OkAsync("deploy", "--app", "shop", "--create-app", "--path", _fn.Path);
        var created = await OkAsync("inspect", "trigger", "shop", _fn.Name, "web", "-o", "json");
        var fn = await OkAsync("inspect", "fn", "shop", _fn.Name, "-o", "json");

        _fn.Write("func.yaml", _fn.Read("func.yaml").Replace("detached", "sync", StringComparison.Ordinal).Replace("team: a", "team:", StringComparison.Ordinal));
        var output = await OkAsync("deploy", "--app", "shop", "--path", _fn.Path, "--no-bump");
        var updated = await OkAsync("inspect", "trigger", "shop", _fn.Name, "web", "-o", "json");

        Assert.Contains("\"fnsharp.io/async-retries\": 2", fn, StringComparison.Ordinal);
        Assert.DoesNotContain("gone", fn, StringComparison.Ordinal);
        Assert.Contains("\"fnsharp.io/invoke-type\": \"detached\"", created, StringComparison.Ordinal);
        Assert.Contains("\"team\": \"a\"", created, StringComparison.Ordinal);
        Assert.Contains("Successfully updated trigger: web\n", output, StringComparison.Ordinal);
        Assert.Contains("\"fnsharp.io/invoke-type\": \"sync\"", updated, StringComparison.Ordinal);
        Assert.DoesNotContain("team", updated, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deploy_BuildFails_FuncYamlNotBumpedAndNoFn()
    {
        _fn.WithDockerFunction();
        _fn.Write("Dockerfile", "FROM fnsharp/aot-runtime:latest\nCOPY missing.txt /x\n");
        var before = _fn.Read("func.yaml");

        var (code, _, error) = await RunAsync("deploy", "--app", "shop", "--create-app", "--path", _fn.Path);
        var (listCode, _, listError) = await RunAsync("list", "fns", "shop");

        Assert.Equal(1, code);
        Assert.Contains($"{_fn.FuncYaml} keeps version 0.0.1: the build failed.\nError: building the image {_fn.Name}:0.0.2 failed: COPY failed", error, StringComparison.Ordinal);
        Assert.Equal(before, _fn.Read("func.yaml"));
        Assert.Equal((1, $"Error: app 'shop' not found\nSee the apps: fnsharp list apps --api-url {Url}\n"), (listCode, listError));
    }

    [Fact]
    public async Task Deploy_Json_OneDocumentOnStdoutAndTheStepsOnStderr()
    {
        _fn.WithDockerFunction("triggers:\n- name: web\n");

        var (code, output, error) = await RunAsync("deploy", "--app", "shop", "--create-app", "--path", _fn.Path, "--output", "json");
        using var deployed = System.Text.Json.JsonDocument.Parse(output);
        var root = deployed.RootElement;

        Assert.True(code == 0, error);
        Assert.Equal(["image", "app", "fn", "triggers"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal($"{_fn.Name}:0.0.2", root.GetProperty("image").GetString());
        Assert.Equal(("shop", _fn.Name, $"{_fn.Name}:0.0.2"), (root.GetProperty("app").GetProperty("name").GetString(), root.GetProperty("fn").GetProperty("name").GetString(), root.GetProperty("fn").GetProperty("image").GetString()));
        Assert.Equal("/web", Assert.Single(root.GetProperty("triggers").EnumerateArray()).GetProperty("source").GetString());
        Assert.False(root.GetProperty("app").TryGetProperty("shape", out _));
        Assert.StartsWith($"Deploying {_fn.Name} to app: shop\nBumped to version 0.0.2\nBuilding image {_fn.Name}:0.0.2\ndocker build ", error, StringComparison.Ordinal);
        Assert.EndsWith($"Successfully created trigger: web\nTrigger Endpoint: {Url}/t/shop/web\n", error, StringComparison.Ordinal);
    }
}
