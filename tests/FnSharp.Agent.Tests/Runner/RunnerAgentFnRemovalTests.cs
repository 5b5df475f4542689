using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Builders;
using FnSharp.Testing.Logging;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// A fn removed (or its app) or its configuration replaced: its hot containers go at once when idle and at the end of
/// their calls when busy, its waiting calls get 404, and nothing of it starts again. The clock never moves: nothing
/// here waits for an idle timeout.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentFnRemovalTests : IAsyncLifetime
{
    private AgentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task FnRemoved_IdleContainer_RemovedAtOnceAndTheQueueForgotten()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);
        await _h.CallAsync(fn);
        var other = _h.NewFn(idleTimeoutSeconds: 3600);
        await _h.CallAsync(other);

        _h.Agent.FnRemoved(fn.Id);
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0 && h.LiveContainers == 1);

        Assert.Equal([other.Id], _h.Agent.Stats().Select(s => s.FnId));
        Assert.Equal(1, _h.Driver.LiveCountOf(other.Id));
        Assert.Equal(other.Memory, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task FnRemoved_BusyContainer_ItsCallFinishesThenTheContainerIsRemoved()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);
        var release = new TaskCompletionSource();
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("finished");
        });
        var running = _h.CallAsync(fn);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        _h.Agent.FnRemoved(fn.Id);
        var liveWhileBusy = _h.Driver.LiveCountOf(fn.Id);
        release.SetResult();
        var finished = await running;
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0 && h.LiveContainers == 0);

        Assert.Equal(1, liveWhileBusy);
        Assert.Equal((CallStatus.Success, "finished"), (finished.Status, finished.Body));
        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Empty(_h.Agent.Stats());
        Assert.Equal(0, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task FnRemoved_CallWaitingForAStart_Refused404AndTheStartedContainerRemoved()
    {
        var fn = _h.NewFn();
        await using var refused = await RemoveWhileItsCallWaitsForAStartAsync(fn);

        Assert.Equal((CallStatus.FnRemoved, 404), (refused.Status, refused.Error!.Status));
        Assert.Equal($"Fn not found: fn {fn.Id} was deleted before this call got a container", refused.Error.Message);
        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(0, _h.Driver.CallCount);
        Assert.Empty(_h.Agent.Stats());
    }

    [Fact]
    public async Task FnRemoved_StartUnderWay_ItsLogLineCountsTheStart()
    {
        await _h.DisposeAsync();
        var log = new CapturingLogger();
        _h = new AgentHarness(logger: log);
        var fn = _h.NewFn();
        await using var refused = await RemoveWhileItsCallWaitsForAStartAsync(fn);

        var line = Assert.Single(log.Entries, e => e.EventId == 2090);
        Assert.Equal(
            $"Fn {fn.Id} was removed: removing its 0 idle container(s) now, its 0 busy one(s) as their calls end and those of its 1 start(s) under way as they end; 1 waiting call(s) refused (404)",
            line.Message);
    }

    [Fact]
    public async Task FnRemoved_ThenACallThatLookedTheFnUpBefore_Refused404AndNoContainerStarts()
    {
        var fn = _h.NewFn();

        _h.Agent.FnRemoved(fn.Id);
        var call = await _h.CallAsync(fn);

        Assert.Equal(CallStatus.FnRemoved, call.Status);
        Assert.Equal(0, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Empty(_h.Agent.Stats());
    }

    [Fact]
    public async Task FnRemoved_KeptHot_ItsContainersRemovedAndNoneStartedAgain()
    {
        var fn = _h.NewFn();
        _h.Agent.KeepHot(_h.App, fn, 2);
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 2 && h.StatsOf(fn).Idle == 2);

        _h.Agent.FnRemoved(fn.Id);
        _h.Agent.StopKeepingHot(fn.Id);
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0 && h.LiveContainers == 0);

        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(0, _h.Driver.StartingCount);
        Assert.Empty(_h.Agent.Stats());
    }

    [Fact]
    public async Task AppRemoved_ItsFnsIdleContainers_RemovedAsBackgroundWorkOtherAppsKept()
    {
        // One engine operation at a time, the first removal held: the second waits in the limit as background work.
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { MaxContainerOps = 1 });
        var first = new TaskCompletionSource();
        var removals = 0;
        _h.Driver.RemoveHook = _ => Interlocked.Increment(ref removals) == 1 ? first.Task : Task.CompletedTask;
        var (a, b) = (_h.NewFn(idleTimeoutSeconds: 3600), _h.NewFn(idleTimeoutSeconds: 3600));
        var otherApp = Models.App();
        var kept = Models.Fn(otherApp) with { IdleTimeout = 3600 };
        await _h.CallAsync(a);
        await _h.CallAsync(b);
        await _h.CallAsync(kept, app: otherApp);

        _h.Agent.AppRemoved(_h.App.Id);
        await _h.SettleAsync(h => h.Observer.OpsWaited(ContainerOpKind.Background) == 1);
        first.SetResult();
        await _h.SettleAsync(h => h.Driver.LiveCountOf(a.Id) + h.Driver.LiveCountOf(b.Id) == 0 && h.LiveContainers == 1);
        var call = await _h.CallAsync(a);

        Assert.Equal(0, _h.Observer.OpsWaited(ContainerOpKind.Start));
        Assert.Equal(CallStatus.FnRemoved, call.Status);
        Assert.Equal([kept.Id], _h.Agent.Stats().Select(s => s.FnId));
        Assert.Equal(1, _h.Driver.LiveCountOf(kept.Id));
    }

    [Fact]
    public async Task FnChanged_NewImage_TheOldConfigurationsIdleContainerRemovedAtOnce()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);
        var old = (await _h.CallAsync(fn)).Container;
        var updated = fn with { Image = "fnsharp/other:latest" };

        _h.Agent.FnChanged(_h.App, updated, createAhead: false);
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        var next = await _h.CallAsync(updated);

        Assert.Equal(CallStatus.Success, next.Status);
        Assert.NotEqual(old, next.Container);
        Assert.Equal("fnsharp/other:latest", _h.Driver.Containers.Single().Spec.Image);
        Assert.Equal(1, _h.StatsOf(fn).Idle);
    }

    [Fact]
    public async Task FnChanged_BusyContainerOfTheOldConfiguration_RemovedWhenItsCallEnds()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);
        var release = new TaskCompletionSource();
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("old");
        });
        var running = _h.CallAsync(fn);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        _h.Agent.FnChanged(_h.App, fn with { Memory = 256 }, createAhead: false);
        release.SetResult();
        var finished = await running;
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0 && h.LiveContainers == 0);

        Assert.Equal((CallStatus.Success, "old"), (finished.Status, finished.Body));
        Assert.Empty(_h.Agent.Stats());
    }

    [Fact]
    public async Task FnChanged_SameConfiguration_IdleContainerKept()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);
        await _h.CallAsync(fn);

        _h.Agent.FnChanged(_h.App, fn with { Name = "renamed" }, createAhead: false);
        var next = await _h.CallAsync(fn);

        Assert.Equal(CallStatus.Success, next.Status);
        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(1, _h.Driver.LiveCountOf(fn.Id));
    }

    [Fact]
    public async Task AppChanged_ConfigOfItsFns_TheirIdleContainersRemovedAtOnce()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);
        await _h.CallAsync(fn);
        var app = _h.App with { Config = new Dictionary<string, string> { ["K"] = "v" } };

        _h.Agent.AppChanged(app);
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0 && h.LiveContainers == 0);
        var next = await _h.CallAsync(fn, app: app);

        Assert.Equal(CallStatus.Success, next.Status);
        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
    }

    /// <summary>
    /// Removes <paramref name="fn"/> while its one call waits for the container it started, then lets the start finish;
    /// the call's result once the start's container is gone.
    /// </summary>
    private async Task<CallResult> RemoveWhileItsCallWaitsForAStartAsync(Fn fn)
    {
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var waiting = _h.SubmitAsync(fn);
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);

        _h.Agent.FnRemoved(fn.Id);
        var refused = await waiting;
        gate.SetResult();
        await _h.SettleAsync(h => h.Driver.StartingCount == 0 && h.Driver.LiveCountOf(fn.Id) == 0 && h.LiveContainers == 0);
        return refused;
    }
}
