using FnSharp.Agent.Calls;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>Memory reservations, eviction, bounded waits and queue bounds.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentAdmissionTests : IAsyncLifetime
{
    private AgentHarness _h = new(memoryMiB: 256, configure: o => o with { MaxWaitMs = 1000 });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_FnNeedsMoreMemoryThanHost_CannotAllocateAtOnce()
    {
        await using var result = await _h.SubmitAsync(_h.NewFn(memoryMiB: 512));

        Assert.Equal(CallStatus.CannotAllocate, result.Status);
        Assert.Equal((400, "Requested CPU/Memory cannot be allocated: the fn asks 512 MiB and containers on this node may use 256 MiB in all (bounded by its memory less FN_MEMORY_HEADROOM_MIB); lower the fn's memory"), (result.Error!.Status, result.Error.Message));
        Assert.Equal(result.Error.Message, result.FailureLog);
        Assert.Equal(0, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_AsyncCallBeyondAsyncShare_CannotAllocateWhileSyncCallRuns()
    {
        await Replace(new AgentHarness(memoryMiB: 1000, configure: o => o with { AsyncMemoryShare = 0.5 }));
        var fn = _h.NewFn(memoryMiB: 600);

        await using var asyncResult = await _h.Agent.SubmitAsync(_h.Request(fn) with { IsAsync = true }, CancellationToken.None);
        var syncOutcome = await _h.CallAsync(fn);

        Assert.Equal(CallStatus.CannotAllocate, asyncResult.Status);
        Assert.Equal("Requested CPU/Memory cannot be allocated: the fn asks 600 MiB and detached calls on this node may use 500 MiB in all (FN_ASYNC_MEMORY_SHARE of what its containers may use, bounded by its memory less FN_MEMORY_HEADROOM_MIB); lower the fn's memory", asyncResult.Error!.Message);
        Assert.Equal(CallStatus.Success, syncOutcome.Status);
    }

    [Fact]
    public async Task SubmitAsync_AsyncShareFull_SyncCallStillGetsAContainer()
    {
        await Replace(new AgentHarness(memoryMiB: 512, configure: o => o with { AsyncMemoryShare = 0.5, MaxWaitMs = 1000 }));
        var fn = _h.NewFn(memoryMiB: 256);
        _h.Driver.SetHandler(fn.Id, context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var asyncCall = _h.Agent.SubmitAsync(_h.Request(fn) with { IsAsync = true }, CancellationToken.None);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        var secondAsync = _h.Agent.SubmitAsync(_h.Request(fn) with { IsAsync = true }, CancellationToken.None);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        await using var refused = await secondAsync;
        var syncCall = _h.SubmitAsync(fn);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);

        Assert.Equal(CallStatus.TooBusy, refused.Status);
        Assert.Equal(2, _h.Driver.CreatedCount);
        Assert.Equal(512, _h.Agent.ReservedMemoryMiB);
        await _h.Agent.ShutdownAsync(CancellationToken.None);
        await (await asyncCall).DisposeAsync();
        await (await syncCall).DisposeAsync();
    }

    [Fact]
    public async Task SubmitAsync_ContainerLives_ReservesItsMemoryUntilRemoved()
    {
        var fn = _h.NewFn(memoryMiB: 128, idleTimeoutSeconds: 10);

        await _h.CallAsync(fn);
        var whileIdle = _h.Agent.ReservedMemoryMiB;
        _h.Clock.Advance(TimeSpan.FromSeconds(10));
        await _h.SettleAsync(h => h.LiveContainers == 0);

        Assert.Equal(128, whileIdle);
        Assert.Equal(0, _h.Driver.LiveCount);
        Assert.Equal(0, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task SubmitAsync_NoMemoryLeft_EvictsLeastRecentlyUsedIdleContainerOfAnotherFn()
    {
        var a = _h.NewFn(memoryMiB: 128);
        var b = _h.NewFn(memoryMiB: 128);
        var c = _h.NewFn(memoryMiB: 128);
        var first = await _h.CallAsync(a);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await _h.CallAsync(b);

        var third = await _h.CallAsync(c);

        Assert.Equal(CallStatus.Success, third.Status);
        Assert.DoesNotContain(_h.Driver.Containers, x => x.Id == first.Container);
        Assert.Contains(_h.Driver.Containers, x => x.Id == second.Container);
        Assert.Equal(256, _h.Agent.ReservedMemoryMiB);
        Assert.DoesNotContain(_h.Agent.Stats(), s => s.FnId == a.Id);
    }

    [Fact]
    public async Task SubmitAsync_EvictionWouldNotFreeEnough_NothingEvicted()
    {
        var idle = _h.NewFn(memoryMiB: 128);
        var busy = _h.NewFn(memoryMiB: 128);
        _h.Driver.SetHandler(busy.Id, context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var idleOutcome = await _h.CallAsync(idle);
        var running = _h.SubmitAsync(busy);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);

        var big = _h.SubmitAsync(_h.NewFn(memoryMiB: 256));
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        await using var result = await big;

        Assert.Equal(CallStatus.TooBusy, result.Status);
        Assert.Contains(_h.Driver.Containers, c => c.Id == idleOutcome.Container);
        Assert.Equal(1, _h.StatsOf(idle).Idle);
        await _h.Agent.ShutdownAsync(CancellationToken.None);
        await (await running).DisposeAsync();
    }

    [Fact]
    public async Task SubmitAsync_SyncLaunchMemoryFull_EvictsLeastRecentlyUsedWhateverItsPool()
    {
        await Replace(new AgentHarness(memoryMiB: 512, configure: o => o with { AsyncMemoryShare = 0.5, MaxWaitMs = 1000 }));
        var asyncIdle = await _h.CallAsync(_h.NewFn(memoryMiB: 256), isAsync: true);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        var syncIdle = await _h.CallAsync(_h.NewFn(memoryMiB: 256));
        _h.Clock.Advance(TimeSpan.FromSeconds(1));

        var sync = await _h.CallAsync(_h.NewFn(memoryMiB: 256));

        Assert.Equal(CallStatus.Success, sync.Status);
        Assert.DoesNotContain(_h.Driver.Containers, c => c.Id == asyncIdle.Container);
        Assert.Contains(_h.Driver.Containers, c => c.Id == syncIdle.Container);
        Assert.Equal(512, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task SubmitAsync_AsyncLaunchAsyncShareFull_IdleSyncContainerNotEvicted()
    {
        await Replace(new AgentHarness(memoryMiB: 512, configure: o => o with { AsyncMemoryShare = 0.5, MaxWaitMs = 1000 }));
        var syncFn = _h.NewFn(memoryMiB: 128);
        var busyFn = _h.NewFn(memoryMiB: 256);
        _h.Driver.SetHandler(busyFn.Id, context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var syncIdle = await _h.CallAsync(syncFn);
        var running = _h.Agent.SubmitAsync(_h.Request(busyFn) with { IsAsync = true }, CancellationToken.None);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);

        // 128 MiB of the total are free, none of the async share: evicting the sync container cannot help.
        var waiting = _h.Agent.SubmitAsync(_h.Request(_h.NewFn(memoryMiB: 128)) with { IsAsync = true }, CancellationToken.None);
        var idleMeanwhile = _h.StatsOf(syncFn).Idle;
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        await using var result = await waiting;

        Assert.Equal(CallStatus.TooBusy, result.Status);
        Assert.Equal(1, idleMeanwhile);
        Assert.Equal(1, _h.StatsOf(syncFn).Idle);
        Assert.Contains(_h.Driver.Containers, c => c.Id == syncIdle.Container);
        Assert.Equal(384, _h.Agent.ReservedMemoryMiB);
        await _h.Agent.ShutdownAsync(CancellationToken.None);
        await (await running).DisposeAsync();
    }

    [Fact]
    public async Task SubmitAsync_AsyncLaunchAsyncShareFull_EvictsIdleAsyncContainerNotTheOlderSyncOne()
    {
        await Replace(new AgentHarness(memoryMiB: 512, configure: o => o with { AsyncMemoryShare = 0.5, MaxWaitMs = 1000 }));
        var syncFn = _h.NewFn(memoryMiB: 128);
        var syncIdle = await _h.CallAsync(syncFn);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        var asyncIdle = await _h.CallAsync(_h.NewFn(memoryMiB: 256), isAsync: true);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));

        // The launch chooses what to evict before the submission returns: a wrong choice shows here
        // (the call itself would then wait on the fake clock).
        var call = _h.CallAsync(_h.NewFn(memoryMiB: 128), isAsync: true);
        Assert.Equal(1, _h.StatsOf(syncFn).Idle);
        var launched = await call;

        Assert.Equal(CallStatus.Success, launched.Status);
        Assert.DoesNotContain(_h.Driver.Containers, c => c.Id == asyncIdle.Container);
        Assert.Contains(_h.Driver.Containers, c => c.Id == syncIdle.Container);
        Assert.Equal(256, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task SubmitAsync_AsyncLaunchIdleAsyncContainersCannotMakeRoom_NothingEvicted()
    {
        await Replace(new AgentHarness(memoryMiB: 512, configure: o => o with { AsyncMemoryShare = 0.5, MaxWaitMs = 1000 }));
        var busyFn = _h.NewFn(memoryMiB: 128);
        _h.Driver.SetHandler(busyFn.Id, context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var syncFn = _h.NewFn(memoryMiB: 128);
        var asyncFn = _h.NewFn(memoryMiB: 128);
        var syncIdle = await _h.CallAsync(syncFn);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        var asyncIdle = await _h.CallAsync(asyncFn, isAsync: true);
        var running = _h.Agent.SubmitAsync(_h.Request(busyFn) with { IsAsync = true }, CancellationToken.None);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 3);

        // Together both idle containers would free 256 MiB of the total, but only 128 of the async share.
        var waiting = _h.Agent.SubmitAsync(_h.Request(_h.NewFn(memoryMiB: 256)) with { IsAsync = true }, CancellationToken.None);
        var idleMeanwhile = (_h.StatsOf(syncFn).Idle, _h.StatsOf(asyncFn).Idle);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        await using var result = await waiting;

        Assert.Equal(CallStatus.TooBusy, result.Status);
        Assert.Equal((1, 1), idleMeanwhile);
        Assert.Equal((1, 1), (_h.StatsOf(syncFn).Idle, _h.StatsOf(asyncFn).Idle));
        Assert.Contains(_h.Driver.Containers, c => c.Id == syncIdle.Container);
        Assert.Contains(_h.Driver.Containers, c => c.Id == asyncIdle.Container);
        Assert.Equal(384, _h.Agent.ReservedMemoryMiB);
        await _h.Agent.ShutdownAsync(CancellationToken.None);
        await (await running).DisposeAsync();
    }

    [Fact]
    public async Task SubmitAsync_AsyncLaunchTotalMemoryFull_EvictsLeastRecentlyUsedSyncContainer()
    {
        await Replace(new AgentHarness(memoryMiB: 512, configure: o => o with { AsyncMemoryShare = 0.5, MaxWaitMs = 1000 }));
        var idle = new List<AgentHarness.Outcome>();
        for (var i = 0; i < 4; i++)
        {
            idle.Add(await _h.CallAsync(_h.NewFn(memoryMiB: 128)));
            _h.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var launched = await _h.CallAsync(_h.NewFn(memoryMiB: 128), isAsync: true);

        Assert.Equal(CallStatus.Success, launched.Status);
        Assert.DoesNotContain(_h.Driver.Containers, c => c.Id == idle[0].Container);
        Assert.All(idle.Skip(1), o => Assert.Contains(_h.Driver.Containers, c => c.Id == o.Container));
        Assert.Equal(512, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task SubmitAsync_OnlyBusyContainersHoldTheMemory_NoEvictionAndTooBusyAfterMaxWait()
    {
        var a = _h.NewFn(memoryMiB: 128);
        var b = _h.NewFn(memoryMiB: 128);
        _h.Driver.Handler = context => Task.Delay(Timeout.Infinite, context.RequestAborted);
        var busy = new[] { _h.SubmitAsync(a), _h.SubmitAsync(b) };
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);

        var waiting = _h.SubmitAsync(_h.NewFn(memoryMiB: 128));
        _h.Clock.Advance(TimeSpan.FromMilliseconds(999));
        var stillWaiting = !waiting.IsCompleted;
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1));
        await using var result = await waiting;

        Assert.True(stillWaiting);
        Assert.Equal(CallStatus.TooBusy, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(1), result.RetryAfter);
        Assert.Equal(2, _h.Driver.LiveCount);
        await _h.Agent.ShutdownAsync(CancellationToken.None);
        foreach (var call in busy)
        {
            await (await call).DisposeAsync();
        }
    }

    [Fact]
    public async Task SubmitAsync_WaitDeadlineBeforeMaxWait_TooBusyAtTheDeadline()
    {
        await Replace(new AgentHarness(configure: o => o with { MaxWaitMs = 60_000 }));
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var request = _h.Request(_h.NewFn()) with { WaitDeadline = _h.Clock.GetUtcNow().AddMilliseconds(200) };

        var call = _h.Agent.SubmitAsync(request, CancellationToken.None);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(200));
        await using var result = await call;

        Assert.Equal(CallStatus.TooBusy, result.Status);
        gate.SetResult();
    }

    [Fact]
    public async Task SubmitAsync_QueueOfFnFull_TooBusyAtOnce()
    {
        await Replace(new AgentHarness(configure: o => o with { MaxQueuedPerFn = 2 }));
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var fn = _h.NewFn();

        var queued = new[] { _h.SubmitAsync(fn), _h.SubmitAsync(fn) };
        var refused = _h.SubmitAsync(fn);
        var otherFn = _h.SubmitAsync(_h.NewFn());

        Assert.True(refused.IsCompleted);
        Assert.Equal(CallStatus.TooBusy, (await refused).Status);
        gate.SetResult();
        foreach (var call in queued.Append(otherFn))
        {
            await using var result = await call;
            Assert.Equal(CallStatus.Success, result.Status);
        }
    }

    [Fact]
    public async Task SubmitAsync_TotalQueueFull_TooBusyForAnyFn()
    {
        await Replace(new AgentHarness(configure: o => o with { MaxQueuedTotal = 2 }));
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);

        var queued = new[] { _h.SubmitAsync(_h.NewFn()), _h.SubmitAsync(_h.NewFn()) };
        var refused = _h.SubmitAsync(_h.NewFn());

        Assert.True(refused.IsCompleted);
        Assert.Equal(CallStatus.TooBusy, (await refused).Status);
        gate.SetResult();
        foreach (var call in queued)
        {
            await using var result = await call;
            Assert.Equal(CallStatus.Success, result.Status);
        }
    }

    [Fact]
    public async Task SubmitAsync_ClientGoesAwayWhileWaiting_CancelledAndQueueFreed()
    {
        await Replace(new AgentHarness(configure: o => o with { MaxQueuedPerFn = 1 }));
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var fn = _h.NewFn();
        using var client = new CancellationTokenSource();

        var call = _h.Agent.SubmitAsync(_h.Request(fn), client.Token);
        await client.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<CallCancelledException>(() => call);
        var next = _h.CallAsync(fn);
        gate.SetResult();

        Assert.Null(cancelled.Execution);
        Assert.Equal(CallStatus.Success, (await next).Status);
        Assert.Equal(0, _h.StatsOf(fn).Waiting);
    }

    private async Task Replace(AgentHarness harness)
    {
        await _h.DisposeAsync();
        _h = harness;
    }
}
