using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Logging;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>The cost keep-alive policy in the runner (<c>FN_KEEPALIVE_POLICY=cost</c>), on the fake driver and a fake clock.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentCostKeepAliveTests : IAsyncLifetime
{
    private static readonly TimeSpan s_ms = TimeSpan.FromMilliseconds(1);
    private readonly CapturingLogger _log = new();
    private readonly AgentHarness _h;

    public RunnerAgentCostKeepAliveTests()
    {
        _h = new AgentHarness(configure: o => o with { KeepAlivePolicy = KeepAlivePolicyKind.Cost }, logger: _log);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task Cost_AFnCalledEveryFiveMinutes_StoppedAfterItsCallAndPrewarmedJustBeforeTheNext()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 600);
        var gaps = Enumerable.Repeat(TimeSpan.FromMinutes(5), CostKeepAlive.MinPrewarmSamples).ToArray();
        var prewarm = Learned(gaps, fn).PrewarmAfter!.Value;

        await CallAfterAsync(fn, gaps);
        _h.Clock.Advance(s_ms);
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        _h.Clock.Advance(prewarm - s_ms);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);
        _h.Clock.Advance(TimeSpan.FromMinutes(5) - prewarm);
        await using var result = await _h.SubmitAsync(fn);

        Assert.InRange(prewarm, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.Equal(StartKind.Prewarmed, result.Execution!.StartKind);
        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Contains(_log.Entries, e => e.EventId == 2005 && e.Message.Contains("(until_prewarm)", StringComparison.Ordinal) && e.Message.Contains($"pre-warm after {prewarm.TotalSeconds:F0} s, windows from Cost (3 idle times", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cost_AFnWhoseIdleTimesAllExceedTheBound_NotKeptAfterItsCall()
    {
        // 20 to 92 minutes apart, 8 apart, against an idle_timeout of 10 minutes: keeping it would buy no warm call.
        var fn = _h.NewFn(idleTimeoutSeconds: 600);
        var gaps = Enumerable.Range(0, 10).Select(i => TimeSpan.FromMinutes(20 + (8 * i))).ToArray();
        Assert.Equal(new KeepAliveWindows(null, TimeSpan.Zero, KeepAliveBasis.Cost, 10), Learned(gaps, fn));

        await CallAfterAsync(fn, gaps);
        // Pre-warms tried while the first idle times looked gathered (20, 28 and 36 minutes) are no business of this test.
        var prewarmsBefore = _log.Entries.Count(e => e.EventId == 2019);
        _h.Clock.Advance(s_ms);

        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        _h.Clock.Advance(TimeSpan.FromHours(4));
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        Assert.Contains(_log.Entries, e => e.EventId == 2005 && e.Message.Contains("(keep_alive_window)", StringComparison.Ordinal) && e.Message.Contains("Cost (10 idle times", StringComparison.Ordinal));
        Assert.Equal(prewarmsBefore, _log.Entries.Count(e => e.EventId == 2019));
    }

    [Fact]
    public async Task Cost_NoIdleTimeYet_KeptForTheIdleTimeout()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 600);

        await CallAfterAsync(fn, []);
        _h.Clock.Advance(TimeSpan.FromSeconds(600) - s_ms);
        // Still idle in the runner (an idle-out would take it from there at once; its removal would lag behind).
        Assert.Equal((1, 1), (_h.StatsOf(fn).Idle, _h.Driver.LiveCountOf(fn.Id)));
        _h.Clock.Advance(s_ms);

        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        Assert.Contains(_log.Entries, e => e.EventId == 2005 && e.Message.Contains("(idle_timeout)", StringComparison.Ordinal) && e.Message.Contains("at most, no pre-warm, windows from TooFewSamples (0 idle times", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cost_OneIdleTimePastTheBound_NotKeptAfterTheSecondCall()
    {
        // Called again after an hour against an idle_timeout of 10 minutes: keeping it would have bought no warm call.
        var fn = _h.NewFn(idleTimeoutSeconds: 600);

        await CallAfterAsync(fn, [TimeSpan.FromHours(1)]);
        _h.Clock.Advance(s_ms);

        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        Assert.Contains(_log.Entries, e => e.EventId == 2005 && e.Message.Contains("(keep_alive_window)", StringComparison.Ordinal) && e.Message.Contains("Cost (1 idle times", StringComparison.Ordinal));
    }

    /// <summary>The windows the cost policy learns for <paramref name="fn"/> from <paramref name="gaps"/>.</summary>
    private static KeepAliveWindows Learned(TimeSpan[] gaps, Fn fn)
    {
        var histogram = new IdleHistogram();
        foreach (var gap in gaps)
        {
            histogram.Add(gap);
        }

        return CostKeepAlive.Windows(histogram, TimeSpan.FromSeconds(fn.IdleTimeout), fn.Memory);
    }

    /// <summary>Calls <paramref name="fn"/> once, then once after each of <paramref name="gaps"/>; each call runs to its end at once (no clock time).</summary>
    private async Task CallAfterAsync(Fn fn, TimeSpan[] gaps)
    {
        foreach (var gap in gaps.Prepend(TimeSpan.Zero))
        {
            _h.Clock.Advance(gap);
            var outcome = await _h.CallAsync(fn);
            Assert.Equal(CallStatus.Success, outcome.Status);
        }
    }
}
