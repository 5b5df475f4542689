using System.Text.Json;
using System.Threading.Channels;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using FnSharp.Server.Cluster;
using FnSharp.Storage.Sqlite;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Cluster;

/// <summary>
/// <c>GET /v2/nodes</c> and the heartbeat behind it, through the real pipeline on a SQLite file with
/// fake containers and a fake clock; each heartbeat round is awaited, nothing polls.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class NodesApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);

    // Written by the heartbeat's hook (one item per round), read by the test.
    private readonly Channel<int> _beats = Channel.CreateUnbounded<int>();
    private readonly FakeContainerDriver _driver = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero));
    private readonly FnSharpServerFactory _server;

    public NodesApiTests()
    {
        _server = new FnSharpServerFactory(_driver) { Time = _time };
        _server.Settings["FN_NODE_URL"] = "http://node-under-test:8080";
        _server.Settings["FN_NODE_FORGET_SECS"] = "60";
        _server.TestServices = services => services.Replace(ServiceDescriptor.Singleton(sp =>
        {
            var heartbeat = ActivatorUtilities.CreateInstance<NodeHeartbeat>(sp);
            heartbeat.Beat = () => _beats.Writer.TryWrite(0);
            return heartbeat;
        }));
    }

    private INodeStore Nodes => _server.Services.GetRequiredService<INodeStore>();

    public async Task InitializeAsync()
    {
        _server.Start();
        await NextBeatAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _driver.DisposeAsync();
    }

    [Fact]
    public async Task ListNodes_ThisNodeBeats_LiveWithItsFigures()
    {
        var node = Assert.Single(await ListAsync());

        Assert.Equal(_server.NodeName, node.GetProperty("name").GetString());
        Assert.Equal("http://node-under-test:8080", node.GetProperty("url").GetString());
        Assert.Equal("live", node.GetProperty("state").GetString());
        Assert.Equal("2026-11-30T10:29:07.577Z", node.GetProperty("heartbeat_at").GetString());
        Assert.Equal("2026-11-30T10:29:07.577Z", node.GetProperty("started_at").GetString());
        Assert.True(node.GetProperty("memory_total_mib").GetInt64() > 0);
        Assert.True(node.GetProperty("cpu_mcpus").GetInt64() >= 1000);
        Assert.Equal((0, 0, 0, 0, 0.0), Figures(node));
    }

    [Fact]
    public async Task ListNodes_AfterACall_NextHeartbeatCountsTheHotContainer()
    {
        var client = _server.CreateFnClient();
        var app = await client.CreateAppAsync(new App { Name = "app" }, CancellationToken.None);
        var fn = await client.CreateFnAsync(new Fn { AppId = app.Id, Name = "fn", Image = "fnsharp/test:1", Memory = 128 }, CancellationToken.None);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _driver.Handler = async context =>
        {
            await release.Task;
            context.Response.StatusCode = 200;
        };
        var call = client.InvokeAsync(fn.Id, "hi", cancellationToken: CancellationToken.None);
        await _driver.WaitUntilAsync(d => d.CallCount == 1);

        await AdvanceOneHeartbeatAsync();
        var busy = Assert.Single(await ListAsync());
        release.SetResult();
        await call;

        Assert.Equal((1, 128, 1, 0), (busy.GetProperty("hot_containers").GetInt32(), busy.GetProperty("memory_reserved_mib").GetInt64(), busy.GetProperty("running_calls").GetInt32(), busy.GetProperty("waiting_calls").GetInt32()));
        Assert.Equal(Math.Round(1000.0 / busy.GetProperty("cpu_mcpus").GetInt64(), 2), busy.GetProperty("load").GetDouble());
    }

    [Fact]
    public async Task ListNodes_NodeStoppedBeating_GoneAfterThreeHeartbeatsThenForgotten()
    {
        var stopped = new Node { Name = "a-stopped-node", Url = "http://stopped:8080", StartedAt = _time.GetUtcNow(), HeartbeatAt = _time.GetUtcNow(), MemoryTotalMiB = 1024, CpuMilliCpus = 2000 };
        await Nodes.PutNodeAsync(stopped, CancellationToken.None);

        for (var i = 0; i < 3; i++)
        {
            await AdvanceOneHeartbeatAsync();
        }

        var atThree = await ListAsync();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var afterThree = await ListAsync();
        while (_time.GetUtcNow() - stopped.HeartbeatAt < TimeSpan.FromSeconds(60) + Heartbeat)
        {
            await AdvanceOneHeartbeatAsync();
        }

        var afterForget = await ListAsync();

        Assert.Equal([("a-stopped-node", "live"), (_server.NodeName, "live")], States(atThree));
        Assert.Equal([("a-stopped-node", "gone"), (_server.NodeName, "live")], States(afterThree));
        Assert.Equal([(_server.NodeName, "live")], States(afterForget));
    }

    [Fact]
    public async Task ListNodes_PerPageAndCursor_PagedAsEveryList()
    {
        await Nodes.PutNodeAsync(new Node { Name = "a-first-node", Url = "http://first:8080", StartedAt = _time.GetUtcNow(), HeartbeatAt = _time.GetUtcNow(), CpuMilliCpus = 1000 }, CancellationToken.None);
        using var http = _server.CreateClient();

        using var first = JsonDocument.Parse(await http.GetStringAsync(new Uri("/v2/nodes?per_page=1", UriKind.Relative)));
        var cursor = first.RootElement.GetProperty("next_cursor").GetString();
        using var second = JsonDocument.Parse(await http.GetStringAsync(new Uri($"/v2/nodes?per_page=1&cursor={cursor}", UriKind.Relative)));
        using var bad = await http.GetAsync(new Uri("/v2/nodes?per_page=abc", UriKind.Relative));

        Assert.Equal(["a-first-node"], first.RootElement.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        Assert.Equal([_server.NodeName], second.RootElement.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("""{"message":"per_page must be an integer (items per page: 30 when absent or below 1, at most 100), not 'abc'"}""", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Stop_Graceful_ThisNodesRowRemoved()
    {
        var before = await Nodes.GetNodesAsync(CancellationToken.None);

        await _server.DisposeAsync();
        var store = await SqliteDataStore.OpenAsync(_server.DatabasePath, CancellationToken.None);
        var after = await store.GetNodesAsync(CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Equal([_server.NodeName], before.Select(n => n.Name));
        Assert.Empty(after);
    }

    private static (int, long, int, int, double) Figures(JsonElement node) => (
        node.GetProperty("hot_containers").GetInt32(),
        node.GetProperty("memory_reserved_mib").GetInt64(),
        node.GetProperty("running_calls").GetInt32(),
        node.GetProperty("waiting_calls").GetInt32(),
        node.GetProperty("load").GetDouble());

    private static IEnumerable<(string?, string?)> States(IEnumerable<JsonElement> nodes) =>
        nodes.Select(n => (n.GetProperty("name").GetString(), n.GetProperty("state").GetString()));

    private async Task AdvanceOneHeartbeatAsync()
    {
        _time.Advance(Heartbeat);
        await NextBeatAsync();
    }

    // A failsafe against a hung test, not a timing assertion.
    private async Task NextBeatAsync() => await _beats.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

    private async Task<List<JsonElement>> ListAsync()
    {
        using var http = _server.CreateClient();
        using var response = await http.GetAsync(new Uri("/v2/nodes", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.False(body.TryGetProperty("next_cursor", out _));
        return [.. body.GetProperty("items").EnumerateArray()];
    }
}
