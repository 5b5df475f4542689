using FnSharp.Agent.Runner;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// Issue 16's sleeping fn through the runner, on the fake driver and clock: 64 callers call one fn in a closed loop
/// on saturated CPUs; each call lasts one tick of 200 ms and a container start 4 s of the clock, at most 8 at once
/// (the node's container operations). A fn whose calls barely use the CPU grows to its 64 callers (by call and
/// start times alone, 3 or 4 containers would "serve" them within a start time); a CPU-bound fn stays on one.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentWaitingFnTests : IAsyncLifetime
{
    private const int Callers = 64;
    private const int Width = 8;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StartTime = TimeSpan.FromSeconds(4);

    private AgentHarness _h = null!;
    private int _inStart;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_WaitingFnWithSlowStartsOnSaturatedNode_GrowsToItsCallersWithinTheNodesStarts()
    {
        Start(memoryMiB: 16384);

        var run = await RunAsync(cpuPerCall: TimeSpan.FromMilliseconds(1), ticks: 200);

        Assert.Equal((Callers, 0, 0, Callers), (run.Stats.Busy + run.Stats.Idle, run.Stats.Starting, run.Stats.Waiting, run.Created));
        Assert.Equal(Width, run.PeakStarting);
        Assert.Null(run.Stats.HeldAt);
    }

    [Fact]
    public async Task SubmitAsync_WaitingFnWhoseRateStallsWhileItsContainersStart_NotLetGoOnTheWay()
    {
        // On the benchmark's 2 CPUs the starts themselves took the CPUs: the sleeping fn completed 120 calls/s on 33
        // containers as on 26 while more started, was held at 26 and let 7 go, and started 112 containers for its 64
        // callers. Here its calls complete at most 16 a tick while any of its containers starts.
        Start(memoryMiB: 16384);

        var run = await RunAsync(cpuPerCall: TimeSpan.FromMilliseconds(1), ticks: 200, endingWhileStarting: 16);

        Assert.Equal((Callers, 0, Callers, (int?)null), (run.Stats.Busy + run.Stats.Idle, run.Stats.Waiting, run.Created, run.Stats.HeldAt));
    }

    [Fact]
    public async Task SubmitAsync_WaitingFnShortOfMemory_GrowsUntilAStartWaitsForMemory()
    {
        // Memory for 16 containers of 128 MiB: the start that does not fit waits in line, and the fn asks no more.
        Start(memoryMiB: 16 * 128);

        var run = await RunAsync(cpuPerCall: TimeSpan.FromMilliseconds(1), ticks: 100);

        Assert.Equal((16, 1, 1, 16), (run.Stats.Busy + run.Stats.Idle, run.Stats.Starting, run.Stats.StartsWaitingForMemory, run.Created));
    }

    [Fact]
    public async Task SubmitAsync_CpuBoundFnWithSlowStartsOnSaturatedNode_StaysOnOneContainer()
    {
        Start(memoryMiB: 16384);

        var run = await RunAsync(cpuPerCall: Tick, ticks: 60);

        Assert.Equal((1, 0, Callers - 1, 1), (run.Stats.Busy + run.Stats.Idle, run.Stats.Starting, run.Stats.Waiting, run.Created));
    }

    private void Start(long memoryMiB)
    {
        _h = new AgentHarness(memoryMiB, o => o with { MaxContainerOps = Width }) { NodeCpuBusy = 1 };
        _h.Driver.ReportsCpu = true;
        _h.Driver.StartHook = async (_, cancellationToken) =>
        {
            Interlocked.Increment(ref _inStart);
            _h.Driver.Changed();
            try
            {
                await Task.Delay(StartTime, _h.Clock, cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _inStart);
            }
        };
    }

    /// <summary>Runs the callers for <paramref name="ticks"/>, returns the fn's state then, the containers created and the most that started at once; then lets every call end.</summary>
    /// <param name="endingWhileStarting">The most calls that end at a tick while a container of the fn starts (every running one when <see langword="null"/>).</param>
    private async Task<Run> RunAsync(TimeSpan cpuPerCall, int ticks, int? endingWhileStarting = null)
    {
        var fn = _h.NewFn();
        var loop = new ClosedLoop(_h, fn, Callers, context => FakeContainer.Of(context).UseCpu(cpuPerCall));
        await SettleAsync(fn, loop);
        var peakStarting = 0;
        for (var i = 0; i < ticks; i++)
        {
            // Every call running ends at the tick (not those that begin at it): each container serves one call per tick.
            var ending = Volatile.Read(ref _inStart) > 0 && endingWhileStarting is { } most ? Math.Min(most, loop.Running) : loop.Running;
            _h.Clock.Advance(Tick);
            loop.End(ending);
            await SettleAsync(fn, loop);
            peakStarting = Math.Max(peakStarting, _h.StatsOf(fn).Starting);
        }

        var run = new Run(_h.StatsOf(fn), _h.Driver.CreatedCountOf(fn.Id), peakStarting);
        await loop.StopAsync(Tick);
        return run;
    }

    /// <summary>
    /// Until every caller runs in a container or waits for one, and each start the fn counts (but those waiting for
    /// memory) waits out its start time on the clock, or for its place among the node's starts.
    /// </summary>
    private Task SettleAsync(Fn fn, ClosedLoop loop) => _h.SettleAsync(h =>
        h.Agent.Stats().SingleOrDefault(s => s.FnId == fn.Id) is { } s
        && s.Busy + s.Waiting == Callers
        && loop.Running == s.Busy
        && Volatile.Read(ref _inStart) == Math.Min(s.Starting - s.StartsWaitingForMemory, Width));

    private sealed record Run(SlotStats Stats, int Created, int PeakStarting);
}
