using FnSharp.Core.Models;
using FnSharp.Core.Storage;
using Xunit;

namespace FnSharp.Testing.Storage;

/// <summary>
/// What every <see cref="INodeStore"/> must do: derive once per backend and open a fresh, empty store in
/// <see cref="OpenStoreAsync"/>. Times are fixed; nothing waits on a clock.
/// </summary>
public abstract class NodeStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 10, 29, 7, 577, TimeSpan.Zero);
    private static readonly CancellationToken None = CancellationToken.None;

    /// <summary>The store under test, opened in <see cref="InitializeAsync"/>.</summary>
    protected INodeStore Nodes { get; private set; } = null!;

    /// <summary>Opens a fresh, empty store.</summary>
    protected abstract Task<INodeStore> OpenStoreAsync();

    /// <summary>Closes the store and removes what it stored.</summary>
    protected abstract Task CloseStoreAsync();

    /// <inheritdoc/>
    public async Task InitializeAsync() => Nodes = await OpenStoreAsync();

    /// <inheritdoc/>
    public Task DisposeAsync() => CloseStoreAsync();

    [Fact]
    public async Task PutNode_Twice_LatestHeartbeatKept()
    {
        var first = Node("node-a", Now);
        var second = first with { Url = "http://10.0.0.2:8080", HeartbeatAt = Now.AddSeconds(5), MemoryReservedMiB = 512, HotContainers = 3, RunningCalls = 2, WaitingCalls = 1 };

        await Nodes.PutNodeAsync(first, None);
        await Nodes.PutNodeAsync(second, None);

        Assert.Equal([second], await Nodes.GetNodesAsync(None));
    }

    [Fact]
    public async Task GetNodes_SeveralNodes_ByName()
    {
        var c = Node("node-c", Now);
        var a = Node("node-a", Now.AddSeconds(-1));
        var b = Node("node-b", Now.AddSeconds(1));
        foreach (var node in new[] { c, a, b })
        {
            await Nodes.PutNodeAsync(node, None);
        }

        Assert.Equal([a, b, c], await Nodes.GetNodesAsync(None));
    }

    [Fact]
    public async Task RemoveNode_Stored_RemovedOnce()
    {
        await Nodes.PutNodeAsync(Node("node-a", Now), None);
        await Nodes.PutNodeAsync(Node("node-b", Now), None);

        Assert.True(await Nodes.RemoveNodeAsync("node-a", None));
        Assert.False(await Nodes.RemoveNodeAsync("node-a", None));
        Assert.False(await Nodes.RemoveNodeAsync("a\0b", None));
        Assert.Equal(["node-b"], (await Nodes.GetNodesAsync(None)).Select(n => n.Name));
    }

    [Fact]
    public async Task RemoveNodes_HeartbeatsBeforeTheCutoff_RemovedAndNamedOnce()
    {
        await Nodes.PutNodeAsync(Node("old-b", Now.AddMinutes(-20)), None);
        await Nodes.PutNodeAsync(Node("old-a", Now.AddMinutes(-11)), None);
        await Nodes.PutNodeAsync(Node("at-cutoff", Now.AddMinutes(-10)), None);
        await Nodes.PutNodeAsync(Node("live", Now), None);

        var removed = await Nodes.RemoveNodesAsync(Now.AddMinutes(-10), None);
        var again = await Nodes.RemoveNodesAsync(Now.AddMinutes(-10), None);

        Assert.Equal(["old-a", "old-b"], removed);
        Assert.Empty(again);
        Assert.Equal(["at-cutoff", "live"], (await Nodes.GetNodesAsync(None)).Select(n => n.Name));
    }

    private static Node Node(string name, DateTimeOffset heartbeatAt) => new()
    {
        Name = name,
        Url = $"http://{name}:8080",
        StartedAt = Now.AddHours(-1),
        HeartbeatAt = heartbeatAt,
        MemoryTotalMiB = 20_000,
        MemoryReservedMiB = 256,
        CpuMilliCpus = 2000,
        HotContainers = 1,
        RunningCalls = 0,
        WaitingCalls = 0,
    };
}
