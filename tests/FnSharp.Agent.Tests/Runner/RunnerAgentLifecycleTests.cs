using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Queue;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>Idle timeouts, pausing, and graceful shutdown.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentLifecycleTests : IAsyncLifetime
{
    private AgentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_HotContainerDiedWhileIdle_NextCallGetsANewContainer()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);
        Assert.Equal(CallStatus.Success, (await _h.CallAsync(fn)).Status);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);

        _h.Driver.Containers.Single(c => c.Spec.FnId == fn.Id).Exit(new ContainerExit { ExitCode = 0, OomKilled = false, StderrTail = [] });
        await _h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 0);
        var outcome = await _h.CallAsync(fn);

        Assert.Equal(CallStatus.Success, outcome.Status);
        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
    }

    [Fact]
    public async Task IdleTimeout_ContainerIdleForFnIdleTimeout_RemovedAndNextCallStartsAnother()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 10);
        await _h.CallAsync(fn);

        _h.Clock.Advance(TimeSpan.FromSeconds(9));
        var liveBefore = _h.Driver.LiveCount;
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
        var next = await _h.CallAsync(fn);

        Assert.Equal(1, liveBefore);
        Assert.Equal(CallStatus.Success, next.Status);
        Assert.Equal(2, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task IdleTimeout_LastContainerGone_SlotQueueForgottenAndRecreatedOnDemand()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 10);
        await _h.CallAsync(fn);

        _h.Clock.Advance(TimeSpan.FromSeconds(10));
        await _h.SettleAsync(h => h.LiveContainers == 0);
        var queues = _h.Agent.Stats().Count;
        var next = await _h.CallAsync(fn);

        Assert.Equal(0, queues);
        Assert.Equal(CallStatus.Success, next.Status);
        Assert.Equal(1, _h.StatsOf(fn).Idle);
    }

    [Fact]
    public async Task IdleTimeout_ContainerReusedBeforeExpiry_TimerStartsAgain()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 10);
        await _h.CallAsync(fn);

        _h.Clock.Advance(TimeSpan.FromSeconds(8));
        await _h.CallAsync(fn);
        _h.Clock.Advance(TimeSpan.FromSeconds(8));

        Assert.Equal(1, _h.Driver.LiveCount);
        Assert.Equal(1, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task IdleTimeout_RemovalsOfOtherFnsQueued_AColdStartGoesAheadOfThem()
    {
        // One engine operation at a time: two fns' containers idle out, the first removal hangs and the second waits.
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { MaxContainerOps = 1 });
        var (first, rest) = (new TaskCompletionSource(), new TaskCompletionSource());
        var removalsBegun = 0;
        _h.Driver.RemoveHook = _ => Interlocked.Increment(ref removalsBegun) == 1 ? first.Task : rest.Task;
        try
        {
            var idle = new[] { _h.NewFn(idleTimeoutSeconds: 10), _h.NewFn(idleTimeoutSeconds: 10) };
            foreach (var fn in idle)
            {
                await _h.CallAsync(fn);
            }

            _h.Clock.Advance(TimeSpan.FromSeconds(10));
            await _h.SettleAsync(h => h.Observer.OpsWaited(ContainerOpKind.Background) == 1);
            var cold = _h.NewFn();
            var removalsBegunAtColdStart = -1;
            _h.Driver.StartHook = (_, _) =>
            {
                removalsBegunAtColdStart = Volatile.Read(ref removalsBegun);
                return Task.CompletedTask;
            };
            var call = _h.CallAsync(cold);
            await _h.SettleAsync(h => h.Observer.OpsWaited(ContainerOpKind.Start) == 1);
            first.SetResult();

            // A guard, not a timing: before starts went first, the cold start waited for the second removal, which hangs here.
            var outcome = await call.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal((CallStatus.Success, 1), (outcome.Status, removalsBegunAtColdStart));
        }
        finally
        {
            // The removals end, so that the runner's stop does not wait for them.
            first.TrySetResult();
            rest.TrySetResult();
        }
    }

    [Fact]
    public async Task FreezeIdle_ContainerIdleBriefly_PausedThenUnpausedForNextCall()
    {
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { FreezeIdleMs = 50 });
        var fn = _h.NewFn();
        var first = await _h.CallAsync(fn);

        _h.Clock.Advance(TimeSpan.FromMilliseconds(50));
        await _h.Driver.WaitUntilAsync(d => d.PauseCount == 1);
        var paused = _h.Driver.Containers.Single().IsPaused;
        var second = await _h.CallAsync(fn);

        Assert.True(paused);
        Assert.Equal(1, _h.Driver.UnpauseCount);
        Assert.Equal(CallStatus.Success, second.Status);
        Assert.Equal(first.Container, second.Container);
    }

    [Fact]
    public async Task FreezeIdle_FnCalledEvery100Ms_NotPausedBetweenCallsButOnceItGoesQuiet()
    {
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { FreezeIdleMs = 50 });
        var fn = _h.NewFn();
        await _h.CallAsync(fn);
        for (var i = 0; i < 3; i++)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await _h.CallAsync(fn);
        }

        var pausesWhileCalled = _h.Driver.PauseCount;
        _h.Clock.Advance(TimeSpan.FromMilliseconds(100));
        var pausesOneGapLater = _h.Driver.PauseCount;
        _h.Clock.Advance(TimeSpan.FromMilliseconds(300));
        await _h.Driver.WaitUntilAsync(d => d.PauseCount == pausesWhileCalled + 1);

        // The first gap paused the container (nothing was measured yet): the first call only.
        Assert.Equal((1, 1), (pausesWhileCalled, pausesOneGapLater));
        Assert.True(_h.Driver.Containers.Single().IsPaused);
    }

    [Fact]
    public async Task FreezeIdle_IdleContainerSpentLessCpuThanAPauseCosts_NotPausedAndNextCallWarm()
    {
        var (fn, container) = await OneIdleContainerReportingCpuAsync(idleTimeoutSeconds: 30);
        container.UseCpu(TimeSpan.FromMilliseconds(PausePolicy.PauseCycleCpuMs / 2));

        _h.Clock.Advance(TimeSpan.FromMilliseconds(50));
        var next = await _h.ExecuteAsync(fn);

        // The look at 50 ms found half a pause's CPU: a pause would have cost more than it saved, so none began.
        Assert.Equal(StartKind.Warm, next.StartKind);
        Assert.Equal(0, _h.Driver.PauseCount);
    }

    [Fact]
    public async Task FreezeIdle_IdleContainerSpendsAPausesCpu_PausedAtTheNextLook()
    {
        var (fn, container) = await OneIdleContainerReportingCpuAsync(idleTimeoutSeconds: 3600);
        container.UseCpu(TimeSpan.FromMilliseconds(PausePolicy.PauseCycleCpuMs / 4));

        // At 50 ms a quarter of the cost: the next look is when the rate seen would reach it (4 x 50 ms), at least 1 s on.
        _h.Clock.Advance(TimeSpan.FromMilliseconds(50));
        container.UseCpu(TimeSpan.FromMilliseconds(PausePolicy.PauseCycleCpuMs));
        _h.Clock.Advance(PausePolicy.MinLookAgain);
        await _h.Driver.WaitUntilAsync(d => d.PauseCount == 1);
        var thawed = await _h.ExecuteAsync(fn);

        Assert.Equal(StartKind.Thawed, thawed.StartKind);
    }

    [Fact]
    public async Task FreezeIdle_IdleContainerSpendsNoCpu_LookedAtAgainOnlyAfterTheLongestWait()
    {
        var (fn, container) = await OneIdleContainerReportingCpuAsync(idleTimeoutSeconds: 3600);

        _h.Clock.Advance(TimeSpan.FromMilliseconds(50));
        container.UseCpu(TimeSpan.FromMilliseconds(PausePolicy.PauseCycleCpuMs));
        _h.Clock.Advance(PausePolicy.MaxLookAgain - TimeSpan.FromMilliseconds(1));
        var beforeTheLook = await _h.ExecuteAsync(fn);

        Assert.Equal(StartKind.Warm, beforeTheLook.StartKind);
        Assert.Equal(0, _h.Driver.PauseCount);
    }

    [Fact]
    public async Task FreezeIdle_FreezeCpuZero_PausedWhenDueWhateverItsIdleCpu()
    {
        var (fn, _) = await OneIdleContainerReportingCpuAsync(idleTimeoutSeconds: 3600, freezeCpuMs: 0);

        // No CPU spent idle: under the default cost it would be looked at again in 10 minutes; at 0 it is paused at 50 ms.
        _h.Clock.Advance(TimeSpan.FromMilliseconds(50));
        await _h.Driver.WaitUntilAsync(d => d.PauseCount == 1);
        var thawed = await _h.ExecuteAsync(fn);

        Assert.Equal(StartKind.Thawed, thawed.StartKind);
    }

    [Fact]
    public async Task FreezeIdle_Disabled_NeverPauses()
    {
        var fn = _h.NewFn();
        await _h.CallAsync(fn);

        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        await _h.CallAsync(fn);

        Assert.Equal(0, _h.Driver.PauseCount);
    }

    [Fact]
    public async Task ShutdownAsync_CallRunning_RefusesNewCallsLetsItFinishAndLeavesNoContainer()
    {
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { ShutdownGraceMs = 10_000 });
        var release = new TaskCompletionSource();
        var slow = _h.NewFn();
        _h.Driver.SetHandler(slow.Id, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("finished");
        });
        await _h.CallAsync(_h.NewFn());
        var running = _h.CallAsync(slow);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);

        var shutdown = _h.Agent.ShutdownAsync(CancellationToken.None);
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 1);
        await using var refused = await _h.SubmitAsync(slow);
        release.SetResult();
        var finished = await running;
        await shutdown;

        Assert.Equal(CallStatus.TooBusy, refused.Status);
        Assert.Equal((CallStatus.Success, "finished"), (finished.Status, finished.Body));
        Assert.Equal(0, _h.Driver.LiveCount);
        Assert.Equal(0, _h.LiveContainers);
        Assert.Equal(0, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task ShutdownAsync_CallOutlivesGrace_ContainerKilledAndNothingLeft()
    {
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { ShutdownGraceMs = 5000 });
        var fn = _h.NewFn();
        _h.Driver.SetHandler(fn.Id, context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var running = _h.SubmitAsync(fn);
        var waiting = _h.SubmitAsync(fn);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        var shutdown = _h.Agent.ShutdownAsync(CancellationToken.None);
        await using var refused = await waiting;
        var beforeGrace = shutdown.IsCompleted;
        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        await shutdown;
        await using var cut = await running;

        Assert.False(beforeGrace);
        Assert.Equal(CallStatus.TooBusy, refused.Status);
        Assert.Equal(CallStatus.ReceiveFailed, cut.Status);
        Assert.Equal(0, _h.Driver.LiveCount);
        Assert.Equal(0, _h.LiveContainers);
    }

    [Fact]
    public async Task ShutdownAsync_GracePassesWhileIdleContainersAreRemoved_CallKilledWithoutWaitingAnotherGrace()
    {
        // The race a test once hung on: the grace must count from the shutdown's start, so a clock that passed it while
        // the idle containers were being removed ends the wait at once instead of starting the grace then.
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { ShutdownGraceMs = 5000 });
        var busy = _h.NewFn();
        var idle = _h.NewFn();
        _h.Driver.SetHandler(busy.Id, context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        await using (await _h.SubmitAsync(idle))
        {
        }

        var running = _h.SubmitAsync(busy);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);
        var removal = new TaskCompletionSource();
        var removing = new TaskCompletionSource();
        _h.Driver.RemoveHook = container =>
        {
            removing.TrySetResult();
            return removal.Task;
        };

        var shutdown = _h.Agent.ShutdownAsync(CancellationToken.None);
        await removing.Task;
        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        _h.Driver.RemoveHook = null;
        removal.SetResult();
        await shutdown.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System); // only a guard against a hang
        await using var cut = await running;

        Assert.Equal(CallStatus.ReceiveFailed, cut.Status);
        Assert.Equal(0, _h.Driver.LiveCount);
    }

    [Fact]
    public async Task ShutdownAsync_ContainerStarting_StartAbandonedAndNothingLeft()
    {
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var call = _h.SubmitAsync(_h.NewFn());
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);

        await _h.Agent.ShutdownAsync(CancellationToken.None);
        await using var result = await call;

        Assert.Equal(CallStatus.TooBusy, result.Status);
        Assert.Equal(0, _h.Driver.LiveCount);
    }

    /// <summary>
    /// A new harness whose containers are weighed for a pause after 50 ms idle and whose driver reports their CPU (with
    /// <paramref name="freezeCpuMs"/> as <c>FN_FREEZE_CPU_MSECS</c> when given), and one fn's container, idle after a call.
    /// </summary>
    private async Task<(Fn Fn, FakeContainer Container)> OneIdleContainerReportingCpuAsync(int idleTimeoutSeconds, double? freezeCpuMs = null)
    {
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { FreezeIdleMs = 50, FreezeCpuMs = freezeCpuMs ?? o.FreezeCpuMs });
        _h.Driver.ReportsCpu = true;
        var fn = _h.NewFn(idleTimeoutSeconds: idleTimeoutSeconds);
        await _h.ExecuteAsync(fn);
        return (fn, _h.Driver.Containers.Single());
    }
}
