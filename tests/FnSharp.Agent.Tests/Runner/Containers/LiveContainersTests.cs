using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Queue;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner.Containers;

/// <summary>The runner's one list of containers: each removed once, thawed first if paused, its memory released before the runner hears of it.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LiveContainersTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly ResourceTracker _tracker = new(new HostResources(1024, 2000), asyncShare: 0.5);
    private readonly ContainerOpsLimiter _ops = new(4);
    private readonly List<(HotContainer Container, long ReservedThen)> _removed = [];
    private readonly LiveContainers _live;

    public LiveContainersTests()
    {
        _live = new LiveContainers(new FakeContainerDriver(), _ops, _tracker, NullLogger.Instance, RunnerObserver.None, c => _removed.Add((c, _tracker.ReservedMiB)), TimeProvider.System);
    }

    public void Dispose()
    {
        _live.Dispose();
    }

    [Fact]
    public async Task RemoveAsync_TwiceAtOnce_OneDriverRemovalMemoryReleasedThenReported()
    {
        var (container, stub) = Add(256, asyncPool: true);
        var gate = new TaskCompletionSource();
        stub.RemovalGate = gate.Task;

        var first = _live.RemoveAsync(container);
        var second = _live.RemoveAsync(container);
        gate.SetResult();
        await Task.WhenAll(first, second);

        Assert.Equal(1, stub.Removals);
        Assert.Equal(0, _live.Count);
        Assert.Equal([(container, 0L)], _removed);
        Assert.Equal((1024L, 512L), _tracker.Free());
    }

    [Fact]
    public async Task RemoveAsync_PausedContainer_ThawedBeforeItsRemoval()
    {
        var (container, stub) = Add(128, asyncPool: false);
        container.BeginIdle(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(1), (_, _) => { }, PausePolicy.PauseCycleCpuMs);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        container.EndIdle();

        await _live.RemoveAsync(container);

        Assert.Equal((1, 1, 1), (stub.Pauses, stub.Unpauses, stub.Removals));
    }

    [Fact]
    public async Task Snapshot_AfterARemoval_OnlyTheOthers()
    {
        var (first, _) = Add(128, asyncPool: false);
        var (second, _) = Add(128, asyncPool: false);

        await _live.RemoveAsync(first);

        Assert.Equal([second], _live.Snapshot());
    }

    private (HotContainer Container, StubContainer Stub) Add(long memoryMiB, bool asyncPool)
    {
        Assert.True(_tracker.TryReserve(memoryMiB, asyncPool));
        var stub = new StubContainer();
        var container = new HotContainer(stub, "slot", "fn", memoryMiB, asyncPool, _clock, NullLogger.Instance);
        _live.Add(container);
        return (container, stub);
    }
}
