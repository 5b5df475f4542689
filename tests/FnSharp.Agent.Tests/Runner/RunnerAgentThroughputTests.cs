using FnSharp.Agent.Runner;
using FnSharp.Core.Models;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// The throughput feedback through the runner, on the fake driver and clock: eight callers call one fn in a
/// closed loop while the test plays its calls' pace in ticks of 100 ms. A CPU-bound fn completes one call
/// per tick whatever its containers (the CPUs, or anything else of the node, are the limit); a fn that waits completes
/// one call per container per tick. The driver cannot tell CPU time, so the CPU-share rule has nothing to go on, and
/// the node's CPUs may read anything: the feedback goes by completed calls alone.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentThroughputTests : IAsyncLifetime
{
    private const int Callers = 8;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly AgentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData(0.95)]
    [InlineData(0.7)]
    [InlineData(0.5)]
    [InlineData(null)]
    public async Task SubmitAsync_CpuBoundFnWhateverTheNodesCpusRead_HeldAtOneContainerAfterOneProbe(double? nodeBusy)
    {
        // On a quiet node the CPUs may read under saturated while more containers still add nothing (the platform's
        // own forwarding shares them): the fn stops growing all the same.
        _h.NodeCpuBusy = nodeBusy;

        var (stats, created) = await RunAsync(cpuBound: true, ticks: 60);

        Assert.Equal((1, 1, 2), (stats.Busy + stats.Idle, stats.HeldAt, created));
        Assert.Equal(Callers - 1, stats.Waiting);
    }

    [Theory]
    [InlineData(0.95)]
    [InlineData(0.7)]
    [InlineData(null)]
    public async Task SubmitAsync_FnWhoseContainersEachAddTheirShare_GrowsToItsCallersWhateverTheNodesCpusRead(double? nodeBusy)
    {
        _h.NodeCpuBusy = nodeBusy;

        var (stats, created) = await RunAsync(cpuBound: false, ticks: 60);

        Assert.Equal((Callers, (int?)null, Callers, 0), (stats.Busy + stats.Idle, stats.HeldAt, created, stats.Waiting));
    }

    [Fact]
    public async Task SubmitAsync_GrowthServedNoMoreWhileTheCpuRuleStartsNoMore_BackToTheContainersBefore()
    {
        // A Node fn at 256 connections: its second container started on CPUs 83% busy, which then read saturated, so the
        // CPU rule started no third and the feedback, asked only before a start, never compared the two rates; it served
        // 1,572 calls/s on 2 containers where 1 had served 2,107. The fn computes all of its call time.
        _h.Driver.ReportsCpu = true;
        _h.NodeCpuBusy = 0.5;
        var fn = _h.NewFn();
        var loop = await ClosedLoop.AfterOneCallAsync(_h, fn, Callers, Tick, ended: context =>
            Testing.Fakes.FakeContainer.Of(context).UseCpu(Tick));
        await SettleAsync(fn, loop);
        for (var i = 0; i < 60; i++)
        {
            if (_h.Driver.CreatedCountOf(fn.Id) == 2)
            {
                _h.NodeCpuBusy = 0.95;
            }

            _h.Clock.Advance(Tick);

            // The CPUs are the limit: one call per tick on any number of containers.
            loop.End(1);
            await SettleAsync(fn, loop);
        }

        var stats = _h.StatsOf(fn);
        var created = _h.Driver.CreatedCountOf(fn.Id);
        await loop.StopAsync(Tick);

        Assert.Equal((1, 1, 2), (stats.Busy + stats.Idle, stats.HeldAt, created));
    }

    /// <summary>Runs the callers for <paramref name="ticks"/>, returns the fn's state and the containers created, then lets every call end.</summary>
    private async Task<(SlotStats Stats, int Created)> RunAsync(bool cpuBound, int ticks)
    {
        var fn = _h.NewFn();

        // The fn's call time is known before its callers come (a fresh fn's first burst grows by the start-time rule).
        var loop = await ClosedLoop.AfterOneCallAsync(_h, fn, Callers, Tick);
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
