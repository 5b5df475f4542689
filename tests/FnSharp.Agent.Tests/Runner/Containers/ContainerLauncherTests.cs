using FnSharp.Agent.Drivers;
using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Eviction;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Builders;
using FnSharp.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner.Containers;

/// <summary>The launcher alone, on the fake driver: what a start leaves behind, started or not.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class ContainerLauncherTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeContainerDriver _driver = new();
    private readonly ResourceTracker _tracker = new(new HostResources(256, 2000), asyncShare: 1);
    private readonly ContainerOpsLimiter _ops = new(4);
    private readonly AgentMetrics _metrics = new(null, () => 0, () => 0, () => 0, () => []);
    private readonly RunnerLifetime _lifetime = new();
    private readonly LiveContainers _live;
    private readonly MemoryLine _memory;
    private readonly ContainerLauncher _launcher;
    private readonly App _app = Models.App();

    public ContainerLauncherTests()
    {
        _live = new LiveContainers(_driver, _ops, _tracker, NullLogger.Instance, RunnerObserver.None, _ => { }, _clock);
        var evictor = new Evictor(_tracker, _live.RemoveAsync, _metrics, NullLogger.Instance);
        _memory = new MemoryLine(_tracker, evictor);
        var preCreated = new PreCreatedContainers(_driver, _ops, _tracker, _lifetime, new AgentOptions { PreCreateMax = 0 }, _metrics, _clock, NullLogger.Instance);
        _launcher = new ContainerLauncher(_driver, _ops, _tracker, _memory, _live, preCreated, _lifetime, _metrics, _clock, NullLogger.Instance);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var container in _live.Snapshot())
        {
            await _live.RemoveAsync(container);
        }

        await _driver.DisposeAsync();
        _metrics.Dispose();
        _live.Dispose();
        _lifetime.Dispose();
    }

    [Fact]
    public async Task LaunchAsync_Started_LiveWithItsMemoryAndTheNodesStartEstimateMeasured()
    {
        _driver.StartHook = (_, _) =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(300));
            return Task.CompletedTask;
        };
        var estimateBefore = _launcher.StartEstimateMs;

        var launch = await _launcher.LaunchAsync(_app, Fn(128), "slot", asyncPool: false);

        Assert.NotNull(launch.Container);
        Assert.Equal(300, launch.ElapsedMs);
        Assert.Equal([launch.Container], _live.Snapshot());
        Assert.Equal(128, _tracker.ReservedMiB);
        Assert.Equal((500, 300), (estimateBefore, _launcher.StartEstimateMs));
    }

    [Fact]
    public async Task LaunchAsync_WaitedForAPlaceInTheOperationsLimit_TheEstimateLeavesTheWaitOut()
    {
        // Every place held by other operations: the launch waits 1000 ms for one, then starts in 300 ms.
        var held = new TaskCompletionSource();
        var others = Enumerable.Range(0, _ops.Limit).Select(_ => _ops.RunAsync(ContainerOpKind.Start, () => held.Task, CancellationToken.None)).ToList();
        _driver.StartHook = (_, _) =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(300));
            return Task.CompletedTask;
        };

        var launching = _launcher.LaunchAsync(_app, Fn(128), "slot", asyncPool: false);
        _clock.Advance(TimeSpan.FromMilliseconds(1000));
        var createdBeforeAPlace = _driver.CreatedCount;
        held.SetResult();
        await Task.WhenAll(others);
        var launch = await launching;

        Assert.Equal(0, createdBeforeAPlace);
        Assert.Equal(1300, launch.ElapsedMs);
        Assert.Equal(300, _launcher.StartEstimateMs);
    }

    [Fact]
    public async Task LaunchAsync_StartFails_TheErrorAndNothingLeft()
    {
        _driver.StartFailure = ContainerStartError.InitTimedOut;

        var launch = await _launcher.LaunchAsync(_app, Fn(128), "slot", asyncPool: false);

        Assert.Equal((null, ContainerStartError.InitTimedOut), (launch.Container, launch.Error));
        Assert.Equal((0, 0L, 0), (_live.Count, _tracker.ReservedMiB, _driver.LiveCount));
    }

    [Fact]
    public async Task LaunchAsync_NoMemoryAndNothingToEvict_WaitsInLineAndCreatesNothingUntilTheRunnerStops()
    {
        _tracker.TryReserve(256, isAsync: false);
        var told = new List<bool>();

        var launch = _launcher.LaunchAsync(_app, Fn(128), "slot", asyncPool: false, memoryWait: told.Add);
        Assert.False(launch.IsCompleted);
        Assert.Equal(1, _launcher.Backlog);
        await _lifetime.StopAsync();

        Assert.Equal(Launch.NoMemory, await launch);
        Assert.Equal([true, false], told);
        Assert.Equal((0, 0), (_driver.CreatedCount, _launcher.Backlog));
    }

    [Fact]
    public async Task LaunchAsync_NoMemoryUntilAContainerIsRemoved_StartsWithItsMemory()
    {
        var first = await _launcher.LaunchAsync(_app, Fn(256), "slot-a", asyncPool: false);

        var second = _launcher.LaunchAsync(_app, Fn(128), "slot-b", asyncPool: false);
        Assert.False(second.IsCompleted);
        await _live.RemoveAsync(first.Container!);
        await _memory.ServeAsync();

        Assert.NotNull((await second).Container);
        Assert.Equal(128, _tracker.ReservedMiB);
    }

    private Fn Fn(int memoryMiB) => Models.Fn(_app) with { Memory = memoryMiB };
}
