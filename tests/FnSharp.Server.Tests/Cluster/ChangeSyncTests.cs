using FnSharp.Core.Models;
using FnSharp.Server.Cluster;
using FnSharp.Testing;
using FnSharp.Testing.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Server.Tests.Cluster;

/// <summary>
/// The wait of a write for the other nodes (docs/cluster.md): it ends when they acknowledge, or after
/// <see cref="ChangeSync.Timeout"/> on the fake clock when one is dead or the store is slow, and never fails.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ChangeSyncTests
{
    private static readonly TimeSpan Failsafe = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 22, 0, 0, TimeSpan.Zero));
    private readonly ChangeBarrier _barrier = new("node-a");
    private readonly ScriptedNodeStore _nodes = new();
    private readonly ScriptedChangeFeed _feed = new();
    private readonly CapturingLogger _log = new();
    private readonly ChangeSync _sync;

    public ChangeSyncTests()
    {
        _sync = new ChangeSync(_barrier, new ClusterOptions(), _time, _log);
        _nodes.Nodes.AddRange([Live("node-a"), Live("node-b"), Live("node-c")]);
    }

    [Fact]
    public void SyncAsync_EveryOtherNodeAcknowledges_ReturnsWithoutWaiting()
    {
        _feed.OnSend = AcknowledgedBy("node-b", "node-c");

        var sync = _sync.SyncAsync(_nodes, _feed, CancellationToken.None);

        Assert.True(sync.IsCompletedSuccessfully);
        Assert.Single(_feed.Sent);
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task SyncAsync_NodeDead_AnswersAfterTheTimeout_ThenNoLongerWaitsForIt()
    {
        _feed.OnSend = AcknowledgedBy("node-b");

        var first = _sync.SyncAsync(_nodes, _feed, CancellationToken.None);
        _time.Advance(ChangeSync.Timeout - TimeSpan.FromMilliseconds(1));
        var pendingJustBefore = !first.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await first.WaitAsync(Failsafe);
        var second = _sync.SyncAsync(_nodes, _feed, CancellationToken.None);

        Assert.True(pendingJustBefore);
        Assert.True(second.IsCompletedSuccessfully);
        Assert.Equal(2, _feed.Sent.Count);
        var warning = Assert.Single(_log.Entries);
        Assert.Equal((1923, true), (warning.EventId, warning.Message.Contains("node-c", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SyncAsync_SkippedNodeAcknowledgesALaterSync_WaitedForAgain()
    {
        var first = _sync.SyncAsync(_nodes, _feed, CancellationToken.None);
        _time.Advance(ChangeSync.Timeout);
        await first.WaitAsync(Failsafe);
        _feed.OnSend = AcknowledgedBy("node-b");
        await _sync.SyncAsync(_nodes, _feed, CancellationToken.None).WaitAsync(Failsafe);
        _feed.OnSend = (_, _) => Task.CompletedTask;

        var third = _sync.SyncAsync(_nodes, _feed, CancellationToken.None);

        Assert.False(third.IsCompleted);
        _time.Advance(ChangeSync.Timeout);
        await third.WaitAsync(Failsafe);
    }

    [Fact]
    public async Task SyncAsync_SendHangs_AnswersAfterTheTimeout()
    {
        _feed.OnSend = (_, token) => Task.Delay(Timeout.InfiniteTimeSpan, token);

        var sync = _sync.SyncAsync(_nodes, _feed, CancellationToken.None);
        var pending = !sync.IsCompleted;
        _time.Advance(ChangeSync.Timeout);
        await sync.WaitAsync(Failsafe);

        Assert.True(pending);
        Assert.Equal([1925], _log.Entries.Select(e => e.EventId));
    }

    [Fact]
    public async Task SyncAsync_ListingHangs_AnswersAfterTheTimeout()
    {
        _nodes.OnList = token => Task.Delay(Timeout.InfiniteTimeSpan, token);

        var sync = _sync.SyncAsync(_nodes, _feed, CancellationToken.None);
        var pending = !sync.IsCompleted;
        _time.Advance(ChangeSync.Timeout);
        await sync.WaitAsync(Failsafe);

        Assert.True(pending);
        Assert.Empty(_feed.Sent);
        Assert.Equal([1925], _log.Entries.Select(e => e.EventId));
    }

    [Fact]
    public async Task SyncAsync_StoreFails_ReturnsWithAWarning()
    {
        _feed.OnSend = (_, _) => throw new InvalidOperationException("connection broken");

        await _sync.SyncAsync(_nodes, _feed, CancellationToken.None);

        var warning = Assert.Single(_log.Entries);
        Assert.Equal(1926, warning.EventId);
        Assert.False(_barrier.Skips("node-b"));
    }

    [Fact]
    public async Task SyncAsync_OtherNodesGone_SendsNothing()
    {
        _nodes.Nodes.Clear();
        _nodes.Nodes.AddRange([Live("node-a"), Live("node-b") with { HeartbeatAt = _time.GetUtcNow() - TimeSpan.FromMinutes(1) }]);

        await _sync.SyncAsync(_nodes, _feed, CancellationToken.None);

        Assert.Empty(_feed.Sent);
    }

    [Fact]
    public async Task SyncAsync_CallerCancels_Throws()
    {
        using var caller = new CancellationTokenSource();
        var sync = _sync.SyncAsync(_nodes, _feed, caller.Token);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sync.WaitAsync(Failsafe));
    }

    /// <summary>A send that the given nodes acknowledge at once, as their listeners would.</summary>
    private Func<string, CancellationToken, Task> AcknowledgedBy(params string[] nodes) => (message, _) =>
    {
        foreach (var node in nodes)
        {
            _barrier.Acknowledged(ChangeBarrier.Read(message).Number, node);
        }

        return Task.CompletedTask;
    };

    private Node Live(string name) => new() { Name = name, Url = $"http://{name}:8080", StartedAt = _time.GetUtcNow(), HeartbeatAt = _time.GetUtcNow() };
}
