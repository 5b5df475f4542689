using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Eviction;
using FnSharp.Agent.Tests.Runner.Containers;
using FnSharp.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner.Eviction;

/// <summary>The evictor with its offers: what it takes, from whom, and what it reserves afterwards.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class EvictorTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ResourceTracker _tracker = new(new HostResources(256, 2000), asyncShare: 1);
    private readonly AgentMetrics _metrics = new(null, () => 0, () => 0, () => 0, () => []);
    private readonly List<HotContainer> _removed = [];
    private readonly Evictor _evictor;

    public EvictorTests()
    {
        _evictor = new Evictor(_tracker, Remove, _metrics, NullLogger.Instance);
    }

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public async Task TryReserveAsync_OtherQueueIdle_LeastRecentlyUsedTakenRemovedAndTheMemoryReserved()
    {
        var older = Offer("a", idleSince: 1);
        Offer("b", idleSince: 2);

        var reserved = await _evictor.TryReserveAsync("c", "fn-c", 128, asyncPool: false);

        Assert.True(reserved);
        Assert.Equal([older], _removed);
        Assert.Equal(256, _tracker.ReservedMiB);
    }

    [Fact]
    public async Task TryReserveAsync_OnlyItsOwnQueueIdle_NothingEvicted()
    {
        Offer("a", idleSince: 1);
        Offer("a", idleSince: 2);

        var reserved = await _evictor.TryReserveAsync("a", "fn-a", 128, asyncPool: false);

        Assert.False(reserved);
        Assert.Empty(_removed);
    }

    [Fact]
    public async Task TryReserveAsync_QueueGaveTheContainerOutMeanwhile_NotRemovedAndNothingReserved()
    {
        Offer("a", idleSince: 1, take: false);
        Offer("b", idleSince: 2, take: false);

        var reserved = await _evictor.TryReserveAsync("c", "fn-c", 128, asyncPool: false);

        Assert.False(reserved);
        Assert.Empty(_removed);
        Assert.Equal(256, _tracker.ReservedMiB);
    }

    [Fact]
    public async Task TryReserveAsync_OfferWithdrawn_NotEvicted()
    {
        var withdrawn = Offer("a", idleSince: 1);
        var other = Offer("b", idleSince: 2);

        _evictor.Withdraw(withdrawn);
        await _evictor.TryReserveAsync("c", "fn-c", 128, asyncPool: false);

        Assert.Equal([other], _removed);
    }

    /// <summary>An idle container of 128 MiB of <paramref name="slotKey"/>, its memory reserved; <paramref name="take"/> says whether its queue still has it.</summary>
    private HotContainer Offer(string slotKey, long idleSince, bool take = true)
    {
        Assert.True(_tracker.TryReserve(128, isAsync: false));
        var container = new HotContainer(new StubContainer(), slotKey, "fn-" + slotKey, 128, asyncPool: false, _clock, NullLogger.Instance);
        _evictor.Offer(container, slotKey, idleSince, _ => take);
        return container;
    }

    private Task Remove(HotContainer container)
    {
        _removed.Add(container);
        _tracker.Release(container.MemoryMiB, container.AsyncPool);
        return Task.CompletedTask;
    }
}
