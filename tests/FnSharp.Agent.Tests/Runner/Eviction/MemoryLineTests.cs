using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Eviction;
using FnSharp.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Agent.Tests.Runner.Eviction;

/// <summary>The line of starts waiting for memory: granted in the order asked, on each release, until the runner stops.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class MemoryLineTests : IDisposable
{
    private readonly ResourceTracker _tracker = new(new HostResources(512, 2000), asyncShare: 0.5);
    private readonly AgentMetrics _metrics = new(null, () => 0, () => 0, () => 0, () => []);
    private readonly List<(bool AsyncPool, int Overtaken)> _grants = [];
    private readonly MemoryLine _line;

    public MemoryLineTests()
    {
        var evictor = new Evictor(_tracker, _ => Task.CompletedTask, _metrics, NullLogger.Instance);
        _line = new MemoryLine(_tracker, evictor, (asyncPool, overtaken) =>
        {
            lock (_grants)
            {
                _grants.Add((asyncPool, overtaken));
            }
        });
    }

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task ReserveAsync_MemoryFreeAndNobodyWaiting_ReservedAtOnce()
    {
        Assert.True(await _line.ReserveAsync("a", "fn-a", 256, asyncPool: false, waiting: null, CancellationToken.None));

        Assert.Equal(256, _tracker.ReservedMiB);
        Assert.Equal(0, _line.Count);
    }

    [Fact]
    public async Task ReserveAsync_NoMemory_WaitsAndIsToldHowManyAreAhead()
    {
        _tracker.TryReserve(512, isAsync: false);
        var told = new List<int>();

        var first = _line.ReserveAsync("a", "fn-a", 128, false, told.Add, CancellationToken.None);
        var second = _line.ReserveAsync("b", "fn-b", 128, false, told.Add, CancellationToken.None);

        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        Assert.Equal([0, 1], told);
        Assert.Equal(2, _line.Count);
    }

    [Fact]
    public async Task Kick_MemoryReleased_TheStartsAskedFirstGetItFirst()
    {
        _tracker.TryReserve(512, isAsync: false);
        var big = _line.ReserveAsync("a", "fn-a", 256, false, null, CancellationToken.None);
        var small = _line.ReserveAsync("b", "fn-b", 128, false, null, CancellationToken.None);

        // 128 MiB free: the small start behind the big one does not overtake it.
        await ReleaseAsync(128);
        Assert.False(big.IsCompleted);
        Assert.False(small.IsCompleted);

        await ReleaseAsync(128);
        Assert.True(await big);
        Assert.False(small.IsCompleted);

        await ReleaseAsync(128);
        Assert.True(await small);
        Assert.Equal([(false, 0), (false, 0)], _grants);
    }

    [Fact]
    public async Task ReserveAsync_OthersWaiting_QueuesBehindThemEvenWhenItsMemoryIsFree()
    {
        _tracker.TryReserve(384, isAsync: false);
        var big = _line.ReserveAsync("a", "fn-a", 256, false, null, CancellationToken.None);

        var small = _line.ReserveAsync("b", "fn-b", 128, false, null, CancellationToken.None);

        Assert.False(small.IsCompleted);
        await ReleaseAsync(128);
        Assert.True(await big);
        Assert.False(small.IsCompleted);
    }

    [Fact]
    public async Task Kick_DetachedStartHeldBackOnlyByTheAsyncShare_SynchronousStartBehindItGoesOn()
    {
        // The async share (256 MiB) is full, 128 MiB are free in all.
        _tracker.TryReserve(256, isAsync: true);
        _tracker.TryReserve(128, isAsync: false);
        var detached = _line.ReserveAsync("a", "fn-a", 128, asyncPool: true, null, CancellationToken.None);
        var sync = _line.ReserveAsync("b", "fn-b", 128, asyncPool: false, null, CancellationToken.None);

        Assert.True(await sync);
        Assert.False(detached.IsCompleted);
        Assert.Equal([(false, 0)], _grants);
    }

    [Fact]
    public async Task ReserveAsync_RunnerStops_TheWaitEndsWithoutMemory()
    {
        _tracker.TryReserve(512, isAsync: false);
        using var stop = new CancellationTokenSource();
        var waiting = _line.ReserveAsync("a", "fn-a", 128, false, null, stop.Token);

        await stop.CancelAsync();

        Assert.False(await waiting);
        Assert.Equal(0, _line.Count);
        Assert.Equal(512, _tracker.ReservedMiB);
    }

    /// <summary>Releases <paramref name="memoryMiB"/> and serves the line, as a removal does (on this thread rather than the pool's).</summary>
    private Task ReleaseAsync(long memoryMiB)
    {
        _tracker.Release(memoryMiB, isAsync: false);
        return _line.ServeAsync();
    }
}
