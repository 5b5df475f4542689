using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Logging;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>The hybrid keep-alive policy in the runner (<c>FN_KEEPALIVE_POLICY=hybrid</c>), on the fake driver and a fake clock.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentKeepAliveTests : IAsyncLifetime
{
    private static readonly TimeSpan s_gap = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan s_ms = TimeSpan.FromMilliseconds(1);
    private readonly CapturingLogger _log = new();
    private readonly AgentHarness _h;

    public RunnerAgentKeepAliveTests()
    {
        _h = new AgentHarness(configure: o => o with { KeepAlivePolicy = KeepAlivePolicyKind.Hybrid }, logger: _log);
    }

    /// <summary>The windows of a fn called every five minutes, ten idle times learned, bounded by an hour.</summary>
    private static KeepAliveWindows EveryFiveMinutes => EveryFiveMinutesWithin(TimeSpan.FromHours(1));

    /// <summary>The windows of a fn called every five minutes, ten idle times learned, bounded by <paramref name="idleTimeout"/>.</summary>
    private static KeepAliveWindows EveryFiveMinutesWithin(TimeSpan idleTimeout)
    {
        var histogram = new IdleHistogram();
        for (var i = 0; i < 10; i++)
        {
            histogram.Add(s_gap);
        }

        return HybridKeepAlive.Windows(histogram, idleTimeout);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task Hybrid_AFnCalledEveryFiveMinutes_StoppedAfterItsCallAndPrewarmedWhenThePrewarmWindowOpens()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);
        var prewarm = EveryFiveMinutes.PrewarmAfter!.Value;

        await CallEveryFiveMinutesAsync(fn, calls: 11);
        _h.Clock.Advance(s_ms);
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        _h.Clock.Advance(prewarm - s_ms - TimeSpan.FromSeconds(1));
        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await _h.SettleAsync(h => h.Agent.Stats().Any(s => s.FnId == fn.Id && s.Idle == 1));
        _h.Clock.Advance(s_gap - prewarm);
        await using var result = await _h.SubmitAsync(fn);

        Assert.Equal(CallStatus.Success, result.Status);
        Assert.Equal(StartKind.Prewarmed, result.Execution!.StartKind);
        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Contains(_log.Entries, e => e.EventId == 2005 && e.Message.Contains("(until_prewarm)", StringComparison.Ordinal) && e.Message.Contains("Histogram (10 idle times", StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.EventId == 2019 && e.Message.Contains(fn.Id, StringComparison.Ordinal));
    }

    [Fact]
    public Task Hybrid_APrewarmedContainerNotCalled_StoppedWhenItsKeepAliveWindowEnds() =>
        AssertPrewarmedStoppedAfterAsync(idleTimeoutSeconds: 3600, EveryFiveMinutes, "(keep_alive_window)");

    [Fact]
    public Task Hybrid_TheKeepAliveWindowPastTheIdleTimeout_StoppedAtTheIdleTimeout()
    {
        // The learned window (about 4.3 to 5.5 minutes) is longer than the fn's minute: its middle minute is kept.
        var windows = EveryFiveMinutesWithin(TimeSpan.FromSeconds(60));
        Assert.Equal(TimeSpan.FromSeconds(60), windows.KeepAlive);
        return AssertPrewarmedStoppedAfterAsync(idleTimeoutSeconds: 60, windows, "(idle_timeout)");
    }

    [Fact]
    public async Task Hybrid_ACallBeforeThePrewarm_ColdAndThePrewarmCancelled()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 3600);

        await CallEveryFiveMinutesAsync(fn, calls: 11);
        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        await using var early = await _h.SubmitAsync(fn);

        Assert.Equal(StartKind.Cold, early.Execution!.StartKind);
        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
        Assert.DoesNotContain(_log.Entries, e => e.EventId == 2019);
    }

    [Fact]
    public async Task Hybrid_AFnKeptHot_NeverIdledOut()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 60);
        _h.Agent.KeepHot(_h.App, fn, 1);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);

        await CallEveryFiveMinutesAsync(fn, calls: 12);
        for (var i = 0; i < 24; i++)
        {
            _h.Clock.Advance(s_gap);
        }

        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);
        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(1, _h.Driver.LiveCountOf(fn.Id));
    }

    /// <summary>
    /// A fn called every five minutes learns <paramref name="windows"/>: its container is stopped after its call, one is
    /// pre-warmed when the window opens and, not called, stopped exactly <see cref="KeepAliveWindows.KeepAlive"/> later,
    /// its log line naming <paramref name="reason"/>.
    /// </summary>
    private async Task AssertPrewarmedStoppedAfterAsync(int idleTimeoutSeconds, KeepAliveWindows windows, string reason)
    {
        var fn = _h.NewFn(idleTimeoutSeconds: idleTimeoutSeconds);

        await CallEveryFiveMinutesAsync(fn, calls: 11);
        _h.Clock.Advance(s_ms);
        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        _h.Clock.Advance(windows.PrewarmAfter!.Value - s_ms);
        await _h.SettleAsync(h => h.Agent.Stats().Any(s => s.FnId == fn.Id && s.Idle == 1));
        _h.Clock.Advance(windows.KeepAlive - s_ms);
        // Still idle in the runner: a container idled out early would leave it at once, while its removal lags behind.
        Assert.Equal((1, 1), (_h.StatsOf(fn).Idle, _h.Driver.LiveCountOf(fn.Id)));
        _h.Clock.Advance(s_ms);

        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0);
        Assert.Contains(_log.Entries, e => e.EventId == 2005 && e.Message.Contains(reason, StringComparison.Ordinal));
    }

    /// <summary>Calls <paramref name="fn"/> <paramref name="calls"/> times, five minutes apart; each call runs to its end at once (no clock time).</summary>
    private async Task CallEveryFiveMinutesAsync(Fn fn, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            if (i > 0)
            {
                _h.Clock.Advance(s_gap);
            }

            var outcome = await _h.CallAsync(fn);
            Assert.Equal(CallStatus.Success, outcome.Status);
        }
    }
}
