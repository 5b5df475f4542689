using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// The CPU rule through the runner, on the fake driver whose containers report the CPU their calls use:
/// a fn that computes does not grow past what the node's CPUs can run, a fn that waits grows to its demand.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentCpuTests : IAsyncLifetime
{
    private readonly AgentHarness _h = new();
    private readonly TaskCompletionSource _release = new();

    public Task InitializeAsync()
    {
        _h.Driver.ReportsCpu = true;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_CpuBoundFnOnSaturatedNode_CallsQueueOnItsOneContainer()
    {
        _h.NodeCpuBusy = 0.95;
        var fn = await MeasuredFnAsync(cpuPerCall: TimeSpan.FromMilliseconds(100));

        var stats = await BurstAsync(fn, 16);

        Assert.Equal(new(1, 0, 15, 1), stats);
    }

    [Fact]
    public async Task SubmitAsync_CpuBoundFnOnIdleNode_AsManyContainersAsTheNodesCpus()
    {
        _h.NodeCpuBusy = 0.2;
        var fn = await MeasuredFnAsync(cpuPerCall: TimeSpan.FromMilliseconds(100));

        var stats = await BurstAsync(fn, 16);

        Assert.Equal(new(2, 0, 14, 2), stats);
    }

    [Fact]
    public async Task SubmitAsync_WaitingFnOnSaturatedNode_GrowsToItsDemand()
    {
        _h.NodeCpuBusy = 1;
        var fn = await MeasuredFnAsync(cpuPerCall: TimeSpan.FromMilliseconds(1));

        var stats = await BurstAsync(fn, 16);

        Assert.Equal(new(16, 0, 0, 16), stats);
    }

    [Fact]
    public async Task SubmitAsync_CpuBoundFnWhoseColdFirstCallLookedWaiting_DoesNotGrowToItsDemand()
    {
        // Its container's first call took 150 ms at 2% CPU (the FDK's warm-up), as the fast C# fn's did under load;
        // its calls after that compute all their time.
        _h.NodeCpuBusy = 1;
        var fn = _h.NewFn();
        var calls = 0;
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            var container = Testing.Fakes.FakeContainer.Of(context);
            if (Interlocked.Increment(ref calls) == 1)
            {
                _h.Clock.Advance(TimeSpan.FromMilliseconds(150));
                container.UseCpu(TimeSpan.FromMilliseconds(3));
            }
            else
            {
                var began = _h.Clock.GetTimestamp();
                await _release.Task;
                container.UseCpu(_h.Clock.GetElapsedTime(began));
            }

            await context.Response.WriteAsync("done");
        });
        Assert.Equal(CallStatus.Success, (await _h.CallAsync(fn)).Status);

        var stats = await BurstAsync(fn, 16, runningBefore: 2);

        Assert.Equal(new(1, 0, 15, 1), stats);
    }

    /// <summary>
    /// A fn whose first two calls (on its one container: its warm-up call, then one the runner judges it by) took 100 ms
    /// and <paramref name="cpuPerCall"/> of CPU each; its later calls wait for the release and compute at the same share.
    /// </summary>
    private async Task<Fn> MeasuredFnAsync(TimeSpan cpuPerCall)
    {
        var fn = _h.NewFn();
        var measured = 0;
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            var container = Testing.Fakes.FakeContainer.Of(context);
            if (Interlocked.Increment(ref measured) <= 2)
            {
                _h.Clock.Advance(TimeSpan.FromMilliseconds(100));
                container.UseCpu(cpuPerCall);
            }
            else
            {
                // Later calls compute at the same share of their time.
                var began = _h.Clock.GetTimestamp();
                await _release.Task;
                container.UseCpu(cpuPerCall * (_h.Clock.GetElapsedTime(began).TotalMilliseconds / 100));
            }

            await context.Response.WriteAsync("done");
        });
        Assert.Equal(CallStatus.Success, (await _h.CallAsync(fn)).Status);
        Assert.Equal(CallStatus.Success, (await _h.CallAsync(fn)).Status);
        return fn;
    }

    /// <summary>
    /// Sends <paramref name="count"/> calls that run until released, waits until the fake driver counts
    /// <paramref name="runningBefore"/> calls (those before and the first of these), lets ten start times pass, and
    /// returns the fn's state then.
    /// </summary>
    private async Task<SlotStatsView> BurstAsync(Fn fn, int count, int runningBefore = 3)
    {
        var calls = Enumerable.Range(0, count).Select(_ => _h.CallAsync(fn)).ToList();
        await _h.Driver.WaitUntilAsync(d => d.CallCount >= runningBefore);
        for (var i = 0; i < 10; i++)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(300));
            await _h.SettleAsync(h => h.StatsOf(fn).Starting == 0);
        }

        var stats = _h.StatsOf(fn);
        var view = new SlotStatsView(stats.Busy, stats.Starting, stats.Waiting, _h.Driver.CreatedCount);
        _release.SetResult();
        Assert.All(await Task.WhenAll(calls), o => Assert.Equal(CallStatus.Success, o.Status));
        return view;
    }

    private sealed record SlotStatsView(int Busy, int Starting, int Waiting, int Created);
}
