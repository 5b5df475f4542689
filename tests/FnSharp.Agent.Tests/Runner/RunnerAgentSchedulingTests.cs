using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner.Queue;
using FnSharp.Core.Models;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>Slot queues, hot reuse, herd avoidance, the launch policy and the operations limit, on the fake driver and clock.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentSchedulingTests : IAsyncLifetime
{
    private AgentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_SequentialCalls_OneContainerServesAll()
    {
        var fn = _h.NewFn();

        var outcomes = new List<AgentHarness.Outcome>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add(await _h.CallAsync(fn, $"call{i}"));
        }

        Assert.Equal(["call0", "call1", "call2", "call3", "call4"], outcomes.Select(o => o.Body));
        Assert.Single(outcomes.Select(o => o.Container).Distinct());
        Assert.Equal(1, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_TwoFns_OneContainerEach()
    {
        await _h.CallAsync(_h.NewFn(), "a");
        await _h.CallAsync(_h.NewFn(), "b");

        Assert.Equal(2, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_FnConfigChanged_NewSlotQueueAndContainer()
    {
        var fn = _h.NewFn();
        await _h.CallAsync(fn);

        await _h.CallAsync(fn with { Config = new Dictionary<string, string> { ["K"] = "v" } });

        Assert.Equal(2, _h.Driver.CreatedCount);
        Assert.Equal(2, _h.Agent.Stats().Count(s => s.FnId == fn.Id));
    }

    [Fact]
    public async Task SubmitAsync_TwoIdleContainers_MostRecentlyUsedServesNext()
    {
        var fn = _h.NewFn();
        var gates = new Dictionary<string, TaskCompletionSource> { ["a"] = new(), ["b"] = new(), ["c"] = new() };
        gates["c"].SetResult();
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            var body = await ReadBodyAsync(context);
            await gates[body].Task;
            await context.Response.WriteAsync(body);
        });
        var (first, second) = await TwoBusyContainersAsync(fn, _h.CallAsync(fn, "a"), () => _h.CallAsync(fn, "b"));

        gates["a"].SetResult();
        var a = await first;
        gates["b"].SetResult();
        var b = await second;
        var c = await _h.CallAsync(fn, "c");

        Assert.NotEqual(a.Container, b.Container);
        Assert.Equal(b.Container, c.Container);
        Assert.Equal(2, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_ConcurrentFirstCalls_ExactlyOneContainerServesAll()
    {
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var fn = _h.NewFn();

        var calls = Enumerable.Range(0, 12).Select(i => _h.CallAsync(fn, $"c{i}")).ToList();
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);
        var stats = _h.StatsOf(fn);
        gate.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal((12, 1), (stats.Waiting, stats.Starting));
        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
        Assert.Equal(1, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_FastFnSixteenConcurrentCallers_FewContainers()
    {
        // Starting takes 1000 ms, a call 10 ms (both on the fake clock).
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var fn = _h.NewFn();
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(10));
            await context.Response.WriteAsync("ok");
        });

        var calls = Enumerable.Range(0, 16).Select(_ => _h.CallAsync(fn)).ToList();
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        gate.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
        Assert.InRange(_h.Driver.CreatedCount, 1, 4);
        Assert.Equal(1, _h.Driver.CreatedCount);
        Assert.Equal(10, _h.StatsOf(fn).CallEstimateMs!.Value, 3);
    }

    [Fact]
    public async Task SubmitAsync_SlowFnSixteenConcurrentCallers_ContainersGrowToDemand()
    {
        var fn = _h.NewFn();
        var (calls, release) = await StartSlowBurstAsync(fn, 16);

        await _h.Driver.WaitUntilAsync(d => d.CallCount == 16);
        var stats = _h.StatsOf(fn);
        release.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal((16, 0, 0), (stats.Busy, stats.Starting, stats.Waiting));
        Assert.Equal(16, _h.Driver.CreatedCount);
        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
    }

    [Fact]
    public async Task SubmitAsync_SlowFnOnSaturatedCpus_ContainersGrowToDemandBeforeItsFirstCallEnds()
    {
        // Seen in a cluster test: detached calls of 10 s each waited behind the first one on a node whose CPUs read
        // saturated, until FN_MAX_WAIT_MSECS refused them. A first call older than a measuring window shows the fn is slow.
        _h.NodeCpuBusy = 1;
        var fn = _h.NewFn();
        var (calls, release) = await StartSlowBurstAsync(fn, 16);
        _h.Clock.Advance(ThroughputFeedback.Window);

        await _h.Driver.WaitUntilAsync(d => d.CallCount == 16);
        var stats = _h.StatsOf(fn);
        release.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal((16, 0, 0), (stats.Busy, stats.Starting, stats.Waiting));
        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
    }

    [Fact]
    public async Task SubmitAsync_SlowFnBeyondMemory_ContainersStopAtTheMemoryAndTheRestWait()
    {
        await _h.DisposeAsync();
        _h = new AgentHarness(memoryMiB: 8 * 128);
        var fn = _h.NewFn(memoryMiB: 128);
        var (calls, release) = await StartSlowBurstAsync(fn, 16);

        await _h.Driver.WaitUntilAsync(d => d.CallCount == 8);

        // The starts beyond the memory wait in line for it.
        await _h.SettleAsync(h => h.Agent.Stats().Single() is var s && s.Starting == s.StartsWaitingForMemory);
        var stats = _h.StatsOf(fn);
        var reserved = _h.Agent.ReservedMemoryMiB;
        release.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal((8, 8), (stats.Busy, stats.Waiting));
        Assert.Equal(8 * 128, reserved);
        Assert.Equal(8, _h.Driver.CreatedCount);
        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
    }

    [Fact]
    public async Task SubmitAsync_EveryContainerOfOneFnStuck_OtherFnStillServed()
    {
        var stuck = _h.NewFn();
        var other = _h.NewFn();
        _h.Driver.SetHandler(stuck.Id, context => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var stuckCalls = Enumerable.Range(0, 4).Select(_ => _h.SubmitAsync(stuck)).ToList();
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        var outcomes = new List<AgentHarness.Outcome>();
        for (var i = 0; i < 5; i++)
        {
            outcomes.Add(await _h.CallAsync(other, $"b{i}"));
        }

        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
        Assert.All(stuckCalls, c => Assert.False(c.IsCompleted));
        Assert.Equal((1, 3), (_h.StatsOf(stuck).Busy, _h.StatsOf(stuck).Waiting));
        await _h.Agent.ShutdownAsync(CancellationToken.None);
        foreach (var call in stuckCalls)
        {
            await (await call).DisposeAsync();
        }
    }

    [Fact]
    public async Task SubmitAsync_BurstAcrossFns_ContainerOperationsBoundedByLimit()
    {
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { MaxContainerOps = 2 });
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);

        var calls = Enumerable.Range(0, 6).Select(_ => _h.CallAsync(_h.NewFn())).ToList();
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 2);
        var createdWhileHeld = _h.Driver.CreatedCount;
        gate.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal(2, createdWhileHeld);
        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
        Assert.Equal(6, _h.Driver.CreatedCount);
        Assert.Equal(2, _h.Driver.PeakOperationsInFlight);
    }

    /// <summary>
    /// Starts <paramref name="count"/> calls of a slow fn (each blocks until the returned gate opens): the
    /// first container takes 300 ms to start, then a start time passes with the first call still running.
    /// </summary>
    private async Task<(List<Task<AgentHarness.Outcome>> Calls, TaskCompletionSource Release)> StartSlowBurstAsync(Fn fn, int count)
    {
        var start = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => start.Task.WaitAsync(ct);
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("done");
        });

        var calls = Enumerable.Range(0, count).Select(_ => _h.CallAsync(fn)).ToList();
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(300));
        start.SetResult();
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(300));
        return (calls, release);
    }

    private async Task<(Task<AgentHarness.Outcome>, Task<AgentHarness.Outcome>)> TwoBusyContainersAsync(Fn fn, Task<AgentHarness.Outcome> first, Func<Task<AgentHarness.Outcome>> second)
    {
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);
        var next = second();
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);
        Assert.Equal(2, _h.StatsOf(fn).Busy);
        return (first, next);
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
