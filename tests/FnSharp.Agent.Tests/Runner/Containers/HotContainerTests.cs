using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Queue;
using FnSharp.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner.Containers;

/// <summary>A container's own state: its idle episodes, their timers and its pause, on a fake clock.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class HotContainerTests
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new();
    private readonly StubContainer _stub = new();
    private readonly List<int> _idleTimeouts = [];
    private readonly HotContainer _container;

    public HotContainerTests()
    {
        _container = new HotContainer(_stub, "slot", "fn", 128, asyncPool: false, _clock, NullLogger.Instance);
    }

    [Fact]
    public void BeginIdle_IdleTimeoutPasses_CallbackWithTheCurrentEpisode()
    {
        var episode = _container.BeginIdle(IdleTimeout, pauseAfter: null, OnIdleTimeout, PausePolicy.PauseCycleCpuMs);

        _clock.Advance(IdleTimeout - TimeSpan.FromMilliseconds(1));
        var before = _idleTimeouts.Count;
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(0, before);
        Assert.Equal([episode], _idleTimeouts);
        Assert.True(_container.IsIdleEpisode(episode));
    }

    [Fact]
    public void EndIdle_BeforeTheTimeout_NoCallbackAndTheEpisodeIsOver()
    {
        var episode = _container.BeginIdle(IdleTimeout, pauseAfter: null, OnIdleTimeout, PausePolicy.PauseCycleCpuMs);

        _container.EndIdle();
        _clock.Advance(IdleTimeout);

        Assert.Empty(_idleTimeouts);
        Assert.False(_container.IsIdleEpisode(episode));
    }

    [Fact]
    public void BeginIdle_AgainAfterACall_OnlyTheNewEpisodeTimesOut()
    {
        var first = _container.BeginIdle(IdleTimeout, pauseAfter: null, OnIdleTimeout, PausePolicy.PauseCycleCpuMs);
        _clock.Advance(TimeSpan.FromSeconds(8));
        _container.EndIdle();

        var second = _container.BeginIdle(IdleTimeout, pauseAfter: null, OnIdleTimeout, PausePolicy.PauseCycleCpuMs);
        _clock.Advance(TimeSpan.FromSeconds(8));
        var afterFirstWouldHaveEnded = _idleTimeouts.Count;
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.NotEqual(first, second);
        Assert.Equal(0, afterFirstWouldHaveEnded);
        Assert.Equal([second], _idleTimeouts);
    }

    [Fact]
    public async Task BeginIdle_PauseAfterPasses_PausedAndTakenPauseSaysSo()
    {
        _container.BeginIdle(IdleTimeout, TimeSpan.FromMilliseconds(50), OnIdleTimeout, PausePolicy.PauseCycleCpuMs);

        _clock.Advance(TimeSpan.FromMilliseconds(50));
        var pause = _container.TakePause();

        Assert.NotNull(pause);
        Assert.True(await pause);
        Assert.Equal(1, _stub.Pauses);
        Assert.Null(_container.TakePause());
    }

    [Fact]
    public void EndIdle_BeforeThePause_NeverPaused()
    {
        _container.BeginIdle(IdleTimeout, TimeSpan.FromMilliseconds(50), OnIdleTimeout, PausePolicy.PauseCycleCpuMs);

        _container.EndIdle();
        _clock.Advance(TimeSpan.FromMilliseconds(50));

        Assert.Null(_container.TakePause());
        Assert.Equal(0, _stub.Pauses);
    }

    [Fact]
    public void BeginIdle_NoPause_NeverPaused()
    {
        _container.BeginIdle(IdleTimeout, pauseAfter: null, OnIdleTimeout, PausePolicy.PauseCycleCpuMs);

        _clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Null(_container.TakePause());
    }

    [Fact]
    public async Task RemoveOnce_TwoCallers_OneRemovalBothAwaitIt()
    {
        var gate = new TaskCompletionSource();
        var runs = 0;
        Task Remove(HotContainer c)
        {
            Interlocked.Increment(ref runs);
            return gate.Task;
        }

        var first = _container.RemoveOnce(Remove);
        var second = _container.RemoveOnce(Remove);
        var removing = _container.IsRemoving;
        gate.SetResult();
        await Task.WhenAll(first, second);

        Assert.True(removing);
        Assert.Equal(1, runs);
        Assert.Same(first, second);
    }

    private void OnIdleTimeout(HotContainer container, int episode) => _idleTimeouts.Add(episode);
}
