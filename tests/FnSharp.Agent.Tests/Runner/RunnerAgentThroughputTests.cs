using FnSharp.Agent.Runner;
using FnSharp.Core.Models;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// The throughput feedback through the runner, on the fake driver and clock: eight callers call one fn in a
/// closed loop while the test plays its calls' pace in ticks of 100 ms. A CPU-bound fn completes one call
/// per tick whatever its containers (the CPUs are the limit); a fn that waits completes one call per
/// container per tick. The driver cannot tell CPU time, so the CPU-share rule has nothing to go on.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentThroughputTests : IAsyncLifetime
{
    private const int Callers = 8;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly AgentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_CpuBoundFnOnSaturatedNode_HeldAtOneContainerAfterOneProbe()
    {
        _h.NodeCpuBusy = 0.95;

        var (stats, created) = await RunAsync(cpuBound: true, ticks: 60);

        Assert.Equal((1, 1, 2), (stats.Busy + stats.Idle, stats.HeldAt, created));
        Assert.Equal(Callers - 1, stats.Waiting);
    }

    [Fact]
    public async Task SubmitAsync_CpuBoundFnOnNodeWithCpuToSpare_GrowsToItsCallers()
    {
        // The same fn while the CPUs are not saturated: the rule holds nothing back.
        _h.NodeCpuBusy = 0.5;

        var (stats, created) = await RunAsync(cpuBound: true, ticks: 60);

        Assert.Equal((Callers, (int?)null, Callers), (stats.Busy + stats.Idle, stats.HeldAt, created));
    }

    [Fact]
    public async Task SubmitAsync_WaitingFnOnSaturatedNode_GrowsToItsCallers()
    {
        _h.NodeCpuBusy = 0.95;

        var (stats, created) = await RunAsync(cpuBound: false, ticks: 60);

        Assert.Equal((Callers, (int?)null, Callers, 0), (stats.Busy + stats.Idle, stats.HeldAt, created, stats.Waiting));
    }

    /// <summary>Runs the callers for <paramref name="ticks"/>, returns the fn's state and the containers created, then lets every call end.</summary>
    private async Task<(SlotStats Stats, int Created)> RunAsync(bool cpuBound, int ticks)
    {
        var fn = _h.NewFn();
        var loop = new ClosedLoop(_h, fn, Callers);
        await SettleAsync(fn, loop);
        for (var i = 0; i < ticks; i++)
        {
            _h.Clock.Advance(Tick);

            // A CPU-bound fn completes one call per tick on any number of containers; a waiting one, a call per container.
            loop.End(cpuBound ? 1 : loop.Running);
            await SettleAsync(fn, loop);
        }

        var result = (_h.StatsOf(fn), _h.Driver.CreatedCountOf(fn.Id));
        await loop.StopAsync(Tick);
        return result;
    }

    /// <summary>Until every caller either runs in a container or waits for one, and no container starts.</summary>
    private Task SettleAsync(Fn fn, ClosedLoop loop) => _h.SettleAsync(h =>
        h.Agent.Stats().SingleOrDefault(s => s.FnId == fn.Id) is { } s && s.Starting == 0 && loop.Running == s.Busy && s.Busy + s.Waiting == Callers);
}
