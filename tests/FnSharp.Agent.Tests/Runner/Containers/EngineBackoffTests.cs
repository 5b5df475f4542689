using FnSharp.Agent.Runner.Containers;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner.Containers;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class EngineBackoffTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly EngineBackoff _backoff;

    public EngineBackoffTests() => _backoff = new EngineBackoff(_clock);

    [Fact]
    public void Begin_EngineAnswers_EveryStartGoes()
    {
        Assert.Equal([EngineBackoff.Turn.Go, EngineBackoff.Turn.Go], new[] { _backoff.Begin(), _backoff.Begin() });
        Assert.False(_backoff.IsBackingOff);
    }

    [Fact]
    public void Begin_AfterUnreachable_WaitsThenOneProbeAtATime()
    {
        Assert.Equal(EngineBackoff.First, _backoff.Unreachable(_backoff.Begin()));
        var during = _backoff.Begin();
        _clock.Advance(EngineBackoff.First);
        var probe = _backoff.Begin();
        var whileProbing = _backoff.Begin();

        Assert.Equal((EngineBackoff.Turn.Wait, EngineBackoff.Turn.Probe, EngineBackoff.Turn.Wait), (during, probe, whileProbing));
    }

    [Fact]
    public void Unreachable_ConcurrentStartsFailTogether_OneBackoffAndOneLogLine()
    {
        var first = _backoff.Begin();
        var second = _backoff.Begin();

        Assert.Equal(EngineBackoff.First, _backoff.Unreachable(first));
        Assert.Null(_backoff.Unreachable(second));
        _clock.Advance(EngineBackoff.First);
        Assert.Equal(EngineBackoff.Turn.Probe, _backoff.Begin());
    }

    [Fact]
    public void Reached_AfterAnOutage_ReturnsItsLengthAndStartsGoAgain()
    {
        _backoff.Unreachable(_backoff.Begin());
        _clock.Advance(TimeSpan.FromMilliseconds(700));
        var probe = _backoff.Begin();

        Assert.Equal(TimeSpan.FromMilliseconds(700), _backoff.Reached());
        Assert.Null(_backoff.Reached());
        Assert.Equal(EngineBackoff.Turn.Go, _backoff.Begin());
        Assert.Equal(EngineBackoff.Turn.Probe, probe);
    }

    [Fact]
    public void Abandon_AProbe_LetsAnotherStartProbe()
    {
        _backoff.Unreachable(_backoff.Begin());
        _clock.Advance(EngineBackoff.First);
        _backoff.Abandon(_backoff.Begin());

        Assert.Equal(EngineBackoff.Turn.Probe, _backoff.Begin());
    }
}
