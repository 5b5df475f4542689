using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Metrics;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>Containers created ahead of demand (issue 17): when one is made, that a cold start only starts it, and when it goes.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentPreCreateTests : IAsyncLifetime
{
    private const int IdleMs = 60_000;
    private readonly MeasuringMeterFactory _meters = new();
    private readonly AgentHarness _h;

    public RunnerAgentPreCreateTests()
    {
        _h = new AgentHarness(memoryMiB: 1024, configure: o => o with { PreCreateMax = 4, PreCreateIdleMs = IdleMs }, meterFactory: _meters);

        // Every create takes 70 ms on the fake clock, so that a start that skips it shows.
        _h.Driver.CreateHook = _ => _h.Clock.Advance(TimeSpan.FromMilliseconds(70));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        _meters.Dispose();
    }

    [Fact]
    public async Task FnChanged_ThenFirstCall_StartsTheContainerCreatedAheadAndStaysCold()
    {
        var fn = _h.NewFn();

        _h.Agent.FnChanged(_h.App, fn);
        await _h.Driver.WaitUntilAsync(d => d.CreatedCountOf(fn.Id) == 1);
        var first = await _h.ExecuteAsync(fn);

        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(StartKind.Cold, first.StartKind);
        Assert.Equal(0, first.StartPhases!.CreateMs);
        Assert.Equal(0, _h.Agent.PreCreatedCount);
        Assert.Equal(1, _meters.CountOf("fnsharp_container_precreates_total", "outcome", "created"));
        Assert.Equal(1, _meters.CountOf("fnsharp_container_precreates_total", "outcome", "taken"));
    }

    [Fact]
    public async Task FnChanged_NotToCreateAhead_NoneCreatedAndTheFirstCallCreatesItsOwn()
    {
        var fn = _h.NewFn();

        _h.Agent.FnChanged(_h.App, fn, createAhead: false);
        var first = await _h.ExecuteAsync(fn);

        Assert.Equal(1, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(70, first.StartPhases!.CreateMs);
        Assert.Equal(0, _meters.CountOf("fnsharp_container_precreates_total", "outcome", "created"));
    }

    [Fact]
    public async Task SubmitAsync_NoneCreatedAhead_CreatesItselfWithTheCreatePhase()
    {
        var fn = _h.NewFn();

        var first = await _h.ExecuteAsync(fn);

        Assert.Equal(StartKind.Cold, first.StartKind);
        Assert.Equal(70, first.StartPhases!.CreateMs);
    }

    [Fact]
    public async Task LastContainerIdlesOut_OneCreatedAheadAndTheNextColdStartOnlyStartsIt()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 30);
        await _h.ExecuteAsync(fn);

        _h.Clock.Advance(TimeSpan.FromSeconds(30));
        await _h.Driver.WaitUntilAsync(d => d.CreatedCountOf(fn.Id) == 2 && d.LiveCountOf(fn.Id) == 1);
        Assert.Equal(1, _h.Agent.PreCreatedCount);
        Assert.False(_h.Driver.Containers.Single().Removed);
        var next = await _h.ExecuteAsync(fn);

        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(StartKind.Cold, next.StartKind);
        Assert.Equal(0, next.StartPhases!.CreateMs);
    }

    [Fact]
    public async Task NotTakenWithinTheIdleTime_Removed()
    {
        var fn = _h.NewFn();
        _h.Agent.FnChanged(_h.App, fn);
        await _h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 1);

        _h.Clock.Advance(TimeSpan.FromMilliseconds(IdleMs));

        await _h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 0);
        Assert.Equal(0, _h.Agent.PreCreatedCount);
        Assert.Equal(1, _meters.CountOf("fnsharp_container_precreates_total", "outcome", "expired"));
    }

    [Fact]
    public async Task FnRemoved_RemovedWithItsHotContainerAndNoneMadeAgain()
    {
        var fn = _h.NewFn(idleTimeoutSeconds: 30);
        await _h.ExecuteAsync(fn);
        _h.Agent.FnChanged(_h.App, fn);
        await _h.Driver.WaitUntilAsync(d => d.CreatedCountOf(fn.Id) == 2);

        // Its hot container goes too, at once (RunnerAgentFnRemovalTests), and its removal creates none ahead.
        _h.Agent.FnRemoved(fn.Id);
        await _h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 0);

        Assert.Equal(2, _h.Driver.CreatedCountOf(fn.Id));
        Assert.Equal(0, _h.Agent.PreCreatedCount);
    }

    [Fact]
    public async Task FnChanged_NewConfiguration_TheOldOneRemovedAndOneOfTheNewCreated()
    {
        var fn = _h.NewFn();
        _h.Agent.FnChanged(_h.App, fn);
        await _h.Driver.WaitUntilAsync(d => d.CreatedCountOf(fn.Id) == 1);
        var old = _h.Driver.Containers.Single();

        var updated = fn with { Image = "fnsharp/other:latest" };
        _h.Agent.FnChanged(_h.App, updated);

        await _h.Driver.WaitUntilAsync(d => old.Removed && d.LiveCountOf(fn.Id) == 1);
        Assert.Equal("fnsharp/other:latest", _h.Driver.Containers.Single().Spec.Image);
        Assert.Equal(1, _h.Agent.PreCreatedCount);
    }

    [Fact]
    public async Task AppChanged_ConfigOfItsFns_TheirsRemoved()
    {
        var fn = _h.NewFn();
        _h.Agent.FnChanged(_h.App, fn);
        await _h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 1);

        _h.Agent.AppChanged(_h.App with { Config = new Dictionary<string, string> { ["LEVEL"] = "2" } });

        await _h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 0);
        Assert.Equal(0, _h.Agent.PreCreatedCount);
    }

    [Fact]
    public async Task FnChanged_MoreFnsThanTheLimit_OnlyTheLimitCreated()
    {
        var fns = Enumerable.Range(0, 6).Select(_ => _h.NewFn()).ToList();

        foreach (var fn in fns)
        {
            _h.Agent.FnChanged(_h.App, fn);
        }

        await _h.Driver.WaitUntilAsync(d => d.CreatedCount == 4);
        Assert.Equal(4, _h.Agent.PreCreatedCount);
        Assert.Equal([1, 1, 1, 1, 0, 0], fns.Select(f => _h.Driver.CreatedCountOf(f.Id)));
    }

    [Fact]
    public void FnChanged_FnKeptHot_NoneCreatedAhead()
    {
        var fn = _h.NewFn() with { Annotations = new Dictionary<string, System.Text.Json.JsonElement> { [FnSharpAnnotations.MinHot] = System.Text.Json.JsonSerializer.SerializeToElement(1) } };

        _h.Agent.FnChanged(_h.App, fn);

        Assert.Equal(0, _h.Agent.PreCreatedCount);
        Assert.Equal(0, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task DisposeAsync_OneHeld_Removed()
    {
        var fn = _h.NewFn();
        _h.Agent.FnChanged(_h.App, fn);
        await _h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 1);

        await _h.Agent.DisposeAsync();

        Assert.Equal(0, _h.Driver.LiveCount);
    }

    [Fact]
    public async Task FnChanged_CreateFails_NextCallCreatesItself()
    {
        var fn = _h.NewFn();
        _h.Driver.EngineDown = true;
        _h.Agent.FnChanged(_h.App, fn);
        await _h.Driver.WaitUntilAsync(d => d.UnansweredCreates == 1);
        _h.Driver.EngineDown = false;

        var first = await _h.ExecuteAsync(fn);

        Assert.Equal(70, first.StartPhases!.CreateMs);
        Assert.Equal(1, _meters.CountOf("fnsharp_container_precreates_total", "outcome", "failed"));
    }
}
