using System.Net;
using System.Net.Http.Json;
using FnSharp.Client;
using FnSharp.Core.Models;
using FnSharp.Docker;
using FnSharp.Testing;
using FnSharp.Testing.Docker;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Server.Tests.Integration;

/// <summary>
/// At-least-once delivery across a crash, on the real server and Docker: detached calls of
/// <c>fnsharp/testfn</c> are queued and running when the server is killed with SIGKILL; started again
/// on the same SQLite file and node name, it runs every accepted call to success. The calls' states
/// are read through the API (<c>GET /v2/fns/{fnID}/calls/{callID}</c>) of the server running at the time.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Integration)]
public sealed class DetachedCallsCrashTests : IAsyncLifetime
{
    private const int CallCount = 10;

    private readonly string _dataDirectory = TestDirectories.Create("fnsharp-crash-");
    private readonly string _node = "test-crash-" + Guid.NewGuid().ToString("N")[..12];
    private readonly Dictionary<string, string> _settings = new()
    {
        ["FN_ASYNC_MAX_CONCURRENT"] = "3",
        ["FN_ASYNC_POLL_MSECS"] = "200",
        ["FN_LOG_LEVEL"] = "debug",
    };

    private readonly EngineProbe _engine = new();
    private readonly List<ServerChildProcess> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        // Each server was killed (the restarted one here, above): what they left of the node goes as the node's next
        // start would remove it (the driver's leftovers), its containers and its cgroups (/fnsharp-NODE/fn-ID, in every
        // cgroup v1 hierarchy), which only a server of the node removes. The killed servers' cgroups stayed on the host
        // after every run.
        using var node = new DockerDriver(new DockerDriverOptions { Node = _node }, TimeProvider.System, NullLogger<DockerDriver>.Instance);
        await node.RemoveLeftoversAsync(CancellationToken.None);
        _engine.Dispose();
    }

    [Fact]
    public async Task Sigkill_WithCallsQueuedAndRunning_EveryAcceptedCallSucceedsAfterRestart()
    {
        var first = await StartAsync("server-1.log");
        var client = new FnSharpClient(first.Http);
        var app = await client.CreateAppAsync(new App { Name = "crash-app" });
        var fn = await client.CreateFnAsync(new Fn { Name = "sleeper", AppId = app.Id, Image = "fnsharp/testfn:latest" });
        var accepted = new List<string>();
        for (var i = 0; i < CallCount; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"invoke/{fn.Id}", UriKind.Relative))
            {
                Content = JsonContent.Create(new { sleepMs = 2000 }),
            };
            request.Headers.Add("Fn-Invoke-Type", "detached");
            using var response = await first.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            accepted.Add(response.Headers.GetValues("Fn-Call-Id").Single());
        }

        // Kill once calls are running in containers and others still wait in the queue. A call is running from
        // its claim, before its container exists (which under load can take a while): read the calls again
        // until the engine shows a container too.
        List<Call> atKill;
        do
        {
            atKill = await WaitForAsync(client, fn.Id, accepted, TimeSpan.FromSeconds(60), calls =>
                calls.Count(c => c.Status == CallStates.Running) >= 2 && calls.Any(c => c.Status == CallStates.Queued));
        }
        while ((await _engine.ContainersOfNodeAsync(_node)).Count == 0);

        await first.KillAsync();
        var runningAtKill = atKill.Where(c => c.Status == CallStates.Running).Select(c => c.Id).ToHashSet();

        var second = await StartAsync("server-2.log");
        var final = await WaitForAsync(new FnSharpClient(second.Http), fn.Id, accepted, TimeSpan.FromSeconds(180), calls => calls.All(c => c.IsFinished));

        Assert.Equal(CallCount, final.Count);
        Assert.All(final, c => Assert.Equal((CallStates.Success, 200, false), (c.Status, c.StatusCode, c.DeadLetter)));
        Assert.All(final.Where(c => runningAtKill.Contains(c.Id)), c => Assert.True(c.Attempts >= 2, $"call {c.Id} running at the kill has {c.Attempts} attempt(s)"));
    }

    private async Task<ServerChildProcess> StartAsync(string logName)
    {
        var server = await ServerChildProcess.StartAsync(_dataDirectory, _node, logName, _settings);
        _servers.Add(server);
        return server;
    }

    /// <summary>
    /// Reads the calls through the server's API every 250 ms until <paramref name="condition"/> holds:
    /// polling is the only way to watch another process; <paramref name="limit"/> is a generous failsafe.
    /// An accepted call the server does not know (404 <c>Call not found</c>) is lost: the test fails at once.
    /// </summary>
    private async Task<List<Call>> WaitForAsync(FnSharpClient client, string fnId, List<string> ids, TimeSpan limit, Func<List<Call>, bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        while (true)
        {
            var calls = new List<Call>();
            foreach (var id in ids)
            {
                try
                {
                    calls.Add(await client.GetCallAsync(fnId, id));
                }
                catch (FnApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    throw new InvalidOperationException($"accepted call {id} is lost: {e.Message}; see the logs in {_dataDirectory}", e);
                }
            }

            if (condition(calls))
            {
                return calls;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                var states = string.Join(", ", calls.GroupBy(c => c.Status).Select(g => $"{g.Key}: {g.Count()}"));
                throw new TimeoutException($"calls not there after {limit.TotalSeconds} s ({states}); see the logs in {_dataDirectory}");
            }

            Assert.All(_servers.Where(s => s != _servers[0]), s => Assert.False(s.HasExited, $"the restarted server exited; see {_dataDirectory}"));
            await Task.Delay(250);
        }
    }
}
