using System.Diagnostics;
using System.Net;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Testing.Docker;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Integration;

/// <summary>The real <c>fnsharp-server</c> binary as the quick start and the benchmark run it: from another working directory.</summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class ServerProcessTests : IAsyncLifetime
{
    private readonly string _dataDirectory = TestDirectories.Create("fnsharp-process-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        Directory.Delete(_dataDirectory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Start_FromAnotherWorkingDirectory_AppSettingsBesideTheBinaryApplied()
    {
        // The working directory is the data directory, which holds no appsettings.json.
        await using (var server = await ServerChildProcess.StartAsync(_dataDirectory, "test-process-" + Guid.NewGuid().ToString("N")[..12], "server.log", new Dictionary<string, string>()))
        {
            using var response = await server.Http.GetAsync(new Uri("v2/apps", UriKind.Relative));
            Assert.True(response.IsSuccessStatusCode);
            await server.StopAsync();
        }

        var log = await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "server.log"));

        // appsettings.json sets Microsoft.AspNetCore to Warning: no line per request at the default level.
        Assert.Contains("Datastore ready", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore.Hosting.Diagnostics", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Request finished", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_EveryInterfaceWithoutKey_ExitsSayingHowToCreateOne()
    {
        var start = ServerChildProcess.StartAsync(_dataDirectory, "test-process-" + Guid.NewGuid().ToString("N")[..12], "refused.log", new Dictionary<string, string> { ["FN_LISTEN_ADDRESS"] = "*" });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => start);

        Assert.StartsWith("fnsharp-server exited at start", failure.Message, StringComparison.Ordinal);
        var log = await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "refused.log"));
        Assert.Contains("fnsharp-server: cannot start: no API key exists and FN_LISTEN_ADDRESS=* is not loopback", log, StringComparison.Ordinal);
        Assert.Contains("fnsharp-server keys create --scope admin", log, StringComparison.Ordinal);

        // The refusal comes before any background service starts: none is reported cancelled as a critical failure.
        Assert.DoesNotContain("crit:", log, StringComparison.Ordinal);
        Assert.DoesNotContain("BackgroundService", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SocketRootUnusable_ExitsNamingTheDirectoryAndTheFix()
    {
        // A file where the directory should be: the tests may run as root, whom a directory's owner and mode do not stop.
        var root = Path.Combine(_dataDirectory, "iofs");
        await File.WriteAllTextAsync(root, "");
        var start = ServerChildProcess.StartAsync(_dataDirectory, "test-process-" + Guid.NewGuid().ToString("N")[..12], "refused.log", new Dictionary<string, string> { ["FN_IOFS_PATH"] = root });

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => start);

        Assert.StartsWith("fnsharp-server exited at start", failure.Message, StringComparison.Ordinal);
        var log = await File.ReadAllTextAsync(Path.Combine(_dataDirectory, "refused.log"));
        Assert.Contains($"fnsharp-server: cannot start: the containers' socket directory {root} is not usable by this server's user ({Environment.UserName}): ", log, StringComparison.Ordinal);
        Assert.Contains($"make it a directory that user can write (for example 'sudo chown {Environment.UserName} {root}', or remove it and the server makes it), or set FN_IOFS_PATH to one.", log, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NodeNameAnotherServerRuns_ExitsNamingItsProcessAndLeavesItsContainers()
    {
        var node = "test-process-" + Guid.NewGuid().ToString("N")[..12];
        var second = TestDirectories.Create("fnsharp-process-");
        using var engine = new EngineProbe();
        try
        {
            await using var first = await ServerChildProcess.StartAsync(_dataDirectory, node, "first.log", new Dictionary<string, string>());
            var client = new FnSharpClient(first.Http);
            var app = await client.CreateAppAsync(new App { Name = "node-lock" });
            var fn = await client.CreateFnAsync(new Fn { Name = "hot", AppId = app.Id, Image = "fnsharp/testfn:latest", IdleTimeout = 3600 });
            Assert.Equal(HttpStatusCode.OK, (await client.InvokeAsync(fn.Id, "{}")).StatusCode);
            var hot = await engine.ContainersOfNodeAsync(node);

            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerChildProcess.StartAsync(second, node, "refused.log", new Dictionary<string, string>()));

            Assert.StartsWith("fnsharp-server exited at start", failure.Message, StringComparison.Ordinal);
            var log = await File.ReadAllTextAsync(Path.Combine(second, "refused.log"));
            Assert.Contains($"another FnSharp server (process {first.ProcessId}) runs as node '{node}' on this host", log, StringComparison.Ordinal);
            Assert.Contains("Stop it, or give this server its own FN_NODE_NAME.", log, StringComparison.Ordinal);
            Assert.Contains("the node's containers on the engine are the other server's under its name, and stay", log, StringComparison.Ordinal);
            Assert.DoesNotContain("none of this node's left on the engine", log, StringComparison.Ordinal);

            // The refused server removed none of the node's containers on its way out: the first's hot one still serves.
            Assert.Single(hot);
            Assert.Equal(hot, await engine.ContainersOfNodeAsync(node));
            Assert.Equal(HttpStatusCode.OK, (await client.InvokeAsync(fn.Id, "{}")).StatusCode);
            Assert.Equal(hot, await engine.ContainersOfNodeAsync(node));
            await first.StopAsync();
        }
        finally
        {
            await engine.RemoveContainersOfNodeAsync(node);
            Directory.Delete(second, recursive: true);
        }
    }

    [Fact]
    public async Task KeysCreate_OnTheServersStore_KeyRequiredOnceItRuns()
    {
        var db = "sqlite3://" + Path.Combine(_dataDirectory, "fnsharp.db");
        var info = new System.Diagnostics.ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "fnsharp-server"), ["keys", "create", "--scope", "admin", "--name", "first admin"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dataDirectory,
        };
        info.Environment["FN_DB_URL"] = db;
        using var create = System.Diagnostics.Process.Start(info)!;
        var printed = await create.StandardOutput.ReadToEndAsync();
        await create.WaitForExitAsync();
        var token = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

        await using var server = await ServerChildProcess.StartAsync(_dataDirectory, "test-process-" + Guid.NewGuid().ToString("N")[..12], "keys.log", new Dictionary<string, string>());
        using var without = await server.Http.GetAsync(new Uri("v2/apps", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("v2/apps", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        using var with = await server.Http.SendAsync(request);

        Assert.Equal(0, create.ExitCode);
        Assert.StartsWith("Created key ", printed, StringComparison.Ordinal);
        Assert.StartsWith("fns_", token, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, with.StatusCode);
    }

    [Fact]
    public async Task Start_PureRunnerNodeType_ExitCode2SayingEveryNodeIsFull()
    {
        var (exitCode, error) = await RunRefusedAsync(new() { ["FN_NODE_TYPE"] = "pure-runner" });

        Assert.Equal(2, exitCode);
        Assert.Equal(
            ["fnsharp-server: cannot start: FN_NODE_TYPE must be full, api or lb, not 'pure-runner': FnSharp has no runner-only node (Fn's pure runner, which serves only its load balancer's gRPC); every FnSharp node serves the whole API, /invoke and /t. Unset it to run a full node (see docs/cluster.md)."],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Start_StoreUnreachable_ExitCode2WithOneLineNamingItWithoutItsPassword()
    {
        var (exitCode, error) = await RunRefusedAsync(new()
        {
            ["FN_NODE_NAME"] = "test-process-" + Guid.NewGuid().ToString("N")[..12],
            ["FN_IOFS_PATH"] = Path.Combine(_dataDirectory, "iofs"),

            // Port 1 on loopback: nothing listens, the connection is refused at once.
            ["FN_DB_URL"] = "postgres://fnsharp:s3cret@127.0.0.1:1/fnsharp",
        });

        Assert.Equal(2, exitCode);
        Assert.Equal(
            ["fnsharp-server: cannot start: the store postgres://fnsharp:***@127.0.0.1:1/fnsharp (FN_DB_URL) could not be opened: Failed to connect to 127.0.0.1:1."],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Start_BadSettings_ExitCode2WithALinePerSetting()
    {
        var (exitCode, error) = await RunRefusedAsync(new() { ["FN_PORT"] = "abc", ["FN_DOCKER_HOST"] = "/var/run/docker.sock" });

        Assert.Equal(2, exitCode);
        Assert.Equal(
            [
                "fnsharp-server: cannot start: FN_PORT must be a TCP port from 1 to 65535, not 'abc'.",
                "fnsharp-server: cannot start: FN_DOCKER_HOST '/var/run/docker.sock' is not a Docker engine address such as unix:///var/run/docker.sock or tcp://127.0.0.1:2375.",
            ],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Runs the server with <paramref name="environment"/> (and its own SQLite file unless it names a store) until it exits; its exit code and stderr.</summary>
    private async Task<(int ExitCode, string Error)> RunRefusedAsync(Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "fnsharp-server"))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _dataDirectory,
        };
        info.Environment["FN_DB_URL"] = "sqlite3://" + Path.Combine(_dataDirectory, "fnsharp.db");
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();

        // A failsafe against a server that would start anyway, not a timing assertion.
        using var failsafe = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(failsafe.Token);
        await output;
        return (process.ExitCode, await error);
    }
}
