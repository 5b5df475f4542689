using FnSharp.Agent.Runner;
using FnSharp.Testing;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>The runner's stop: the wait for running calls within the grace period.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerLifetimeTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _clock = new();
    private readonly RunnerLifetime _lifetime = new();

    public void Dispose() => _lifetime.Dispose();

    [Fact]
    public async Task WaitForCallsAsync_NoCallRunning_DrainedAtOnce()
    {
        await _lifetime.StopAsync();

        Assert.True(await _lifetime.WaitForCallsAsync(Grace, _clock, CancellationToken.None));
    }

    [Fact]
    public async Task WaitForCallsAsync_LastCallEndsWithinGrace_Drained()
    {
        _lifetime.CallStarted();
        _lifetime.CallStarted();
        await _lifetime.StopAsync();

        var wait = _lifetime.WaitForCallsAsync(Grace, _clock, CancellationToken.None);
        _lifetime.CallEnded();
        var afterOne = wait.IsCompleted;
        _lifetime.CallEnded();

        Assert.False(afterOne);
        Assert.True(await wait);
    }

    [Fact]
    public async Task WaitForCallsAsync_CallOutlivesGrace_FalseAtTheEndOfIt()
    {
        _lifetime.CallStarted();
        await _lifetime.StopAsync();

        var wait = _lifetime.WaitForCallsAsync(Grace, _clock, CancellationToken.None);
        _clock.Advance(Grace);

        Assert.False(await wait);
        Assert.Equal(1, _lifetime.Running);
    }

    [Fact]
    public async Task StopAsync_StoppingTokenCancelled()
    {
        var token = _lifetime.StoppingToken;

        await _lifetime.StopAsync();

        Assert.Equal((true, true), (_lifetime.IsStopping, token.IsCancellationRequested));
    }
}
