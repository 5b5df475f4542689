using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner;

/// <summary><c>fnsharp.io/min-hot</c> in the runner: containers started ahead, replaced, never idled out, counted in memory.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentMinHotTests : IAsyncLifetime
{
    private readonly AgentHarness _h = new(memoryMiB: 1024);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task KeepHot_Two_BothStartAheadAndTheFirstTwoConcurrentCallsArePrewarmed()
    {
        var fn = _h.NewFn();
        var release = new TaskCompletionSource();
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            await release.Task;
            context.Response.StatusCode = 200;
        });

        _h.Agent.KeepHot(_h.App, fn, 2);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 2);
        var calls = new[] { _h.Agent.SubmitAsync(_h.Request(fn), CancellationToken.None), _h.Agent.SubmitAsync(_h.Request(fn), CancellationToken.None) };
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);
        release.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Equal([StartKind.Prewarmed, StartKind.Prewarmed], results.Select(r => r.Execution!.StartKind));
        Assert.All(results, r => Assert.NotNull(r.Execution!.StartPhases));
        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(256, _h.Agent.ReservedMemoryMiB);
        foreach (var result in results)
        {
            await result.DisposeAsync();
        }
    }

    [Fact]
    public async Task KeepHot_IdleLongPastTheIdleTimeout_NeverIdledOut()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 10);
        _h.Agent.KeepHot(_h.App, fn, 1);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);

        for (var i = 0; i < 5; i++)
        {
            _h.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        var outcome = await _h.CallAsync(fn);
        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(1, _h.Driver.LiveCountOf(fn.Id));
        Assert.Equal(CallStatus.Success, outcome.Status);
    }

    [Fact]
    public async Task KeepHot_ContainerDiesWhileIdle_Replaced()
    {
        var fn = _h.NewFn();
        _h.Agent.KeepHot(_h.App, fn, 1);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);

        _h.Driver.Containers.Single().Exit(new ContainerExit { ExitCode = 1, OomKilled = false, StderrTail = [] });

        await _h.Driver.WaitUntilAsync(d => d.CreatedCountOf(fn.Id) == 2 && d.LiveCountOf(fn.Id) == 1);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);
    }

    [Fact]
    public async Task KeepHot_ContainerKilledAfterACall_Replaced()
    {
        var fn = _h.NewFn();
        _h.Driver.SetHandler(fn.Id, context =>
        {
            context.Response.StatusCode = 500;
            return Task.CompletedTask;
        });
        _h.Agent.KeepHot(_h.App, fn, 1);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);

        var outcome = await _h.CallAsync(fn);

        Assert.Equal(CallStatus.InvalidResponse, outcome.Status);
        await _h.Driver.WaitUntilAsync(d => d.CreatedCountOf(fn.Id) == 2 && d.LiveCountOf(fn.Id) == 1);
    }

    [Fact]
    public async Task KeepHot_BackToZero_ContainersIdleOutAsUsual()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 10);
        _h.Agent.KeepHot(_h.App, fn, 2);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 2);

        _h.Agent.KeepHot(_h.App, fn, 0);
        _h.Clock.Advance(TimeSpan.FromSeconds(10));

        await _h.SettleAsync(h => h.Driver.LiveCountOf(fn.Id) == 0 && h.Agent.ReservedMemoryMiB == 0);
    }

    [Fact]
    public async Task KeepHot_NewConfiguration_OldContainersGoNewOnesStart()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 10);
        _h.Agent.KeepHot(_h.App, fn, 1);
        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);
        var updated = fn with { Image = "other:latest" };

        _h.Agent.KeepHot(_h.App, updated, 1);
        await _h.Driver.WaitUntilAsync(d => d.Created.Count(s => s.Image == "other:latest") == 1);
        _h.Clock.Advance(TimeSpan.FromSeconds(10));

        await _h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 1 && d.Containers.Single().Spec.Image == "other:latest");
    }

    [Fact]
    public async Task KeepHot_StartFails_TriedAgainAfter30SecondsNotInALoop()
    {
        var fn = _h.NewFn();
        _h.Driver.StartFailure = ContainerStartError.ImageNotFound;
        _h.Agent.KeepHot(_h.App, fn, 1);
        await _h.Driver.WaitUntilAsync(d => d.CreatedCountOf(fn.Id) == 1 && d.LiveCountOf(fn.Id) == 0);
        await _h.SettleAsync(h => h.Agent.Stats().All(s => s.Starting == 0));
        _h.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));

        _h.Driver.StartFailure = null;
        _h.Clock.Advance(TimeSpan.FromSeconds(1));

        await _h.SettleAsync(h => h.StatsOf(fn).Idle == 1);
        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
    }

    [Fact]
    public void MinHotAvailableMiB_OtherFnsKeptHot_TheirMemoryCountedNotThisFns()
    {
        var a = _h.NewFn(memoryMiB: 128);
        var b = _h.NewFn(memoryMiB: 256);
        _h.Agent.KeepHot(_h.App, a, 2);
        _h.Agent.KeepHot(_h.App, b, 1);

        Assert.Equal(1024 - 256, _h.Agent.MinHotAvailableMiB(a.Id));
        Assert.Equal(1024 - 256, _h.Agent.MinHotAvailableMiB(b.Id));
        Assert.Equal(1024 - 512, _h.Agent.MinHotAvailableMiB("another"));
    }
}
