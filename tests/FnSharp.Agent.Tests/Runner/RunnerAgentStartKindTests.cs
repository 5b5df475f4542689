using FnSharp.Agent.Calls;
using FnSharp.Testing;
using FnSharp.Testing.Metrics;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>How each call had its container (cold, warm, thawed), with the start's phases, in results and metrics.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentStartKindTests : IAsyncLifetime
{
    private readonly MeasuringMeterFactory _meters = new();
    private AgentHarness _h;

    public RunnerAgentStartKindTests()
    {
        _h = new AgentHarness(meterFactory: _meters);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _meters.Dispose();
    }

    [Fact]
    public async Task SubmitAsync_FirstCallThenSecond_ColdWithPhasesThenWarmWithout()
    {
        var fn = _h.NewFn();
        _h.Driver.ReadyWait = TimeSpan.FromMilliseconds(40);
        _h.Driver.StartHook = (_, _) =>
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(150));
            return Task.CompletedTask;
        };

        var first = await _h.ExecuteAsync(fn);
        var second = await _h.ExecuteAsync(fn);

        Assert.Equal(StartKind.Cold, first.StartKind);
        Assert.Equal(new ContainerStartPhases(0, 110, 40), first.StartPhases);
        Assert.Equal(StartKind.Warm, second.StartKind);
        Assert.Null(second.StartPhases);
        Assert.Equal(1, _meters.CountOf("fnsharp_call_start_kinds_total", "kind", "cold"));
        Assert.Equal(1, _meters.CountOf("fnsharp_call_start_kinds_total", "kind", "warm"));
        var phases = _meters.Measurements.Where(m => m.Instrument == "fnsharp_container_start_phase_seconds" && (string?)m.Tags["fn_id"] == fn.Id)
            .ToDictionary(m => (string)m.Tags["phase"]!, m => m.Value);
        Assert.Equal(new Dictionary<string, double> { ["create"] = 0, ["start"] = 0.11, ["ready"] = 0.04 }, phases);
    }

    [Fact]
    public async Task SubmitAsync_PausedIdleContainer_Thawed()
    {
        await _h.DisposeAsync();
        _h = new AgentHarness(configure: o => o with { FreezeIdleMs = 50 }, meterFactory: _meters);
        var fn = _h.NewFn();
        await _h.ExecuteAsync(fn);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(50));
        await _h.Driver.WaitUntilAsync(d => d.PauseCount == 1);

        var thawed = await _h.ExecuteAsync(fn);

        Assert.Equal(StartKind.Thawed, thawed.StartKind);
        Assert.Null(thawed.StartPhases);
    }

    [Fact]
    public async Task SubmitAsync_ContainerWhoseCallLeftDuringItsStart_NextCallWarmNotCold()
    {
        var fn = _h.NewFn();
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, _) => gate.Task;
        using var leave = new CancellationTokenSource();
        var left = _h.Agent.SubmitAsync(_h.Request(fn), leave.Token);
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);
        await leave.CancelAsync();
        await Assert.ThrowsAsync<CallCancelledException>(() => left);
        gate.SetResult();
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);

        var next = await _h.ExecuteAsync(fn);

        Assert.Equal(StartKind.Warm, next.StartKind);
        Assert.Null(next.StartPhases);
    }
}
