using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Testing;
using FnSharp.Testing.Logging;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// The container engine stops answering (a restart) and comes back, on the fake driver and a fake clock:
/// calls get 503 naming the engine, starts back off instead of hammering it, calls succeed again once it
/// answers, and removals that failed meanwhile are done once it is back (or named at shutdown); the stop counts
/// exactly what it removed, containers created ahead included.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentEngineOutageTests : IAsyncLifetime
{
    private readonly CapturingLogger _log = new();
    private readonly AgentHarness _h;

    public RunnerAgentEngineOutageTests() => _h = new AgentHarness(logger: _log);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_PausedContainerWhileTheEngineIsDown_503NamingTheEngineNotTheFn()
    {
        await using var h = new AgentHarness(configure: o => o with { FreezeIdleMs = 50 }, logger: _log);
        var fn = h.NewFn();
        await h.ExecuteAsync(fn);
        h.Clock.Advance(TimeSpan.FromMilliseconds(50));
        await h.Driver.WaitUntilAsync(d => d.PauseCount == 1);
        h.Driver.EngineDown = true;

        await using var result = await h.SubmitAsync(fn);

        Assert.Equal((CallStatus.EngineUnavailable, 503, (TimeSpan?)EngineBackoff.Max), (result.Status, result.Error!.Status, result.RetryAfter));
        Assert.Equal(CallErrors.EngineUnavailable.Message, result.Error.Message);

        // The paused container, in a state the runner no longer knows, is removed once the engine answers.
        h.Driver.EngineDown = false;
        h.Clock.Advance(LiveContainers.FirstRetry);
        await h.Driver.WaitUntilAsync(d => d.LiveCountOf(fn.Id) == 0);
    }

    [Fact]
    public async Task SubmitAsync_NodeCannotMakeTheSocketDirectory_500BlamingTheNodeNotTheFnAndNoEngineBackOff()
    {
        var fn = _h.NewFn();
        _h.Driver.StartFailure = ContainerStartError.NodeFault;

        await using var refused = await _h.SubmitAsync(fn);
        _h.Driver.StartFailure = null;
        await using var served = await _h.SubmitAsync(fn);

        Assert.Equal((CallStatus.NodeFault, 500), (refused.Status, refused.Error!.Status));
        Assert.Equal(CallErrors.NodeFaultPrefix + ": fake reason (not a fault of the function or its FDK: the server's operator must fix the node)", refused.Error.Message);
        Assert.Equal("fake start failure NodeFault", refused.FailureLog);
        var logged = Assert.Single(_log.Entries, e => e.EventId == 2017);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("through no fault of the fn: fake start failure NodeFault", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_log.Entries, e => e.EventId is 2002 or 2010);

        // Not an engine outage: the next start goes to the engine at once.
        Assert.Equal(CallStatus.Success, served.Status);
    }

    [Fact]
    public async Task SubmitAsync_EngineDown_503NamingTheEngineWithRetryAfterAndStartsBackOff()
    {
        var fn = _h.NewFn();
        _h.Driver.EngineDown = true;

        var results = new List<CallResult>();
        for (var i = 0; i < 200; i++)
        {
            results.Add(await _h.SubmitAsync(fn));
        }

        Assert.All(results, r => Assert.Equal((CallStatus.EngineUnavailable, 503, (TimeSpan?)EngineBackoff.Max), (r.Status, r.Error!.Status, r.RetryAfter)));
        Assert.StartsWith("container engine unavailable: ", results[0].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(1, _h.Driver.UnansweredCreates);
        Assert.Single(_log.Entries, e => e.EventId == 2010);
        Assert.DoesNotContain(_log.Entries, e => e.EventId == 2002);
    }

    [Fact]
    public async Task SubmitAsync_StartUnansweredAndRemovalHangs_503NamingTheEngineWithoutWaitingForTheRemoval()
    {
        // The engine created the container, then stopped answering: the start times out and so would the removal.
        var fn = _h.NewFn();
        var hung = new TaskCompletionSource();
        _h.Driver.StartFailure = ContainerStartError.EngineUnavailable;
        _h.Driver.RemoveHook = _ => hung.Task;

        try
        {
            // A guard, not a timing: before the fix the answer waited for the removal, which never ends here.
            var result = await _h.SubmitAsync(fn).WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal((CallStatus.EngineUnavailable, 503), (result.Status, result.Error!.Status));
            Assert.StartsWith("container engine unavailable: ", result.Error.Message, StringComparison.Ordinal);
            Assert.False(hung.Task.IsCompleted);
        }
        finally
        {
            hung.SetResult();
        }
    }

    [Fact]
    public async Task SubmitAsync_EngineStaysDown_OneProbePerBackoffDoublingToTheMaximum()
    {
        var fn = _h.NewFn();
        _h.Driver.EngineDown = true;
        await _h.SubmitAsync(fn);
        var probes = new List<int>();

        // Backoffs of 100, 200, 400, 800, then 1000 ms: a call at each 100 ms sees a probe only when one is due.
        for (var step = 1; step <= 40; step++)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(100));
            var before = _h.Driver.UnansweredCreates;
            Assert.Equal(CallStatus.EngineUnavailable, (await _h.SubmitAsync(fn)).Status);
            if (_h.Driver.UnansweredCreates > before)
            {
                probes.Add(step * 100);
            }
        }

        Assert.Equal([100, 300, 700, 1500, 2500, 3500], probes);
    }

    [Fact]
    public async Task SubmitAsync_EngineAnswersAgain_CallsSucceedWithinTheMaximumBackoff()
    {
        var fn = _h.NewFn();
        _h.Driver.EngineDown = true;
        await _h.SubmitAsync(fn);
        for (var i = 0; i < 5; i++)
        {
            _h.Clock.Advance(EngineBackoff.Max);
            await _h.SubmitAsync(fn);
        }

        _h.Driver.EngineDown = false;
        var during = await _h.CallAsync(fn);
        _h.Clock.Advance(EngineBackoff.Max);
        var after = await _h.CallAsync(fn);

        // The back-off had just been renewed when the engine came back; the next probe, within Max, starts.
        Assert.Equal(CallStatus.EngineUnavailable, during.Status);
        Assert.Equal(CallStatus.Success, after.Status);
        Assert.Single(_log.Entries, e => e.EventId == 2011);
    }

    [Fact]
    public async Task Remove_EngineDownThenBack_RetriedUntilRemovedAndTheStopSaysNoneLeft()
    {
        var fn = _h.NewFn();
        var answer = new TaskCompletionSource();
        _h.Driver.Handler = async context =>
        {
            // An answer the contract does not allow, once the engine is down: the container is killed and removed.
            await answer.Task;
            context.Response.StatusCode = 400;
        };
        var call = _h.CallAsync(fn);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);
        _h.Driver.EngineDown = true;
        answer.SetResult();
        Assert.Equal(CallStatus.InvalidResponse, (await call).Status);
        await _h.SettleAsync(h => h.LiveContainers == 0);

        Assert.Equal(1, _h.Driver.LiveCount);
        Assert.Single(_log.Entries, e => e.EventId == 2012);
        _h.Clock.Advance(LiveContainers.FirstRetry);
        Assert.Equal(1, _h.Driver.LiveCount);

        _h.Driver.EngineDown = false;
        _h.Clock.Advance(LiveContainers.FirstRetry * 2);
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
        await _h.Agent.ShutdownAsync(CancellationToken.None);

        Assert.Single(_log.Entries, e => e.EventId == 2013);
        Assert.Contains(_log.Entries, e => e.EventId == 2025 && e.Message.EndsWith("none of this node's left on the engine", StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.EventId == 2014);
    }

    [Fact]
    public async Task SubmitAsync_CreationUnansweredThenEngineBack_TheContainerItLeftIsSweptByLabel()
    {
        var fn = _h.NewFn();
        _h.Driver.EngineDown = true;
        Assert.Equal(CallStatus.EngineUnavailable, (await _h.SubmitAsync(fn)).Status);
        Assert.Equal(1, _h.Driver.Orphans);

        _h.Driver.EngineDown = false;
        _h.Clock.Advance(LiveContainers.FirstRetry);
        await _h.Driver.WaitUntilAsync(d => d.OrphanSweeps == 1);

        Assert.Equal(0, _h.Driver.Orphans);
        Assert.Contains(_log.Entries, e => e.EventId == 2015 && e.Message == "Removed 1 container(s) of this node that the engine created while its answer never reached the server (the engine was down or did not answer in time)");
    }

    [Fact]
    public async Task Shutdown_EngineDownAndNoContainer_TheStopDoesNotClaimNoneLeft()
    {
        _h.Driver.EngineDown = true;

        await _h.Agent.ShutdownAsync(CancellationToken.None);

        Assert.Single(_log.Entries, e => e.EventId == 2016);
        Assert.DoesNotContain(_log.Entries, e => e.EventId is 2025 or 2014);
        _h.Driver.EngineDown = false;
    }

    [Fact]
    public async Task Shutdown_EngineDown_TheStopNamesTheContainersItCouldNotRemove()
    {
        var fn = _h.NewFn();
        Assert.Equal(CallStatus.Success, (await _h.CallAsync(fn)).Status);
        var id = Assert.Single(_h.Driver.Containers).Id;
        _h.Driver.EngineDown = true;

        await _h.Agent.ShutdownAsync(CancellationToken.None);

        AssertStopNamesOnly(_log, id);
        Assert.DoesNotContain(_log.Entries, e => e.EventId == 2025);

        // The failed removal's own line says what the stop does, not a retry that never comes.
        Assert.Single(_log.Entries, e => e.EventId == 2018 && e.Message.Contains(id, StringComparison.Ordinal));
        Assert.DoesNotContain(_log.Entries, e => e.EventId == 2012);
        _h.Driver.EngineDown = false;
    }

    [Fact]
    public async Task Shutdown_EngineBackAfterTheStop_NoRemovalOrSweepTriedAfterIt()
    {
        var fn = _h.NewFn();
        Assert.Equal(CallStatus.Success, (await _h.CallAsync(fn)).Status);
        _h.Driver.EngineDown = true;
        await _h.Agent.ShutdownAsync(CancellationToken.None);
        var tried = 0;
        _h.Driver.RemoveHook = _ =>
        {
            Interlocked.Increment(ref tried);
            return Task.CompletedTask;
        };
        _h.Driver.EngineDown = false;

        // The retries' longest wait: a retry round the stop left armed would run here (its removal reaches the hook at once).
        _h.Clock.Advance(LiveContainers.MaxRetry);

        Assert.Equal(0, Volatile.Read(ref tried));
        Assert.Equal((1, 0), (_h.Driver.LiveCount, _h.Driver.OrphanSweeps));
        AssertStopNamesOnly(_log, Assert.Single(_h.Driver.Containers).Id);
    }

    [Fact]
    public async Task Shutdown_ContainersCreatedAhead_TheStopCountsThemWithTheOthers()
    {
        var log = new CapturingLogger();
        await using var h = new AgentHarness(configure: o => o with { PreCreateMax = 4 }, logger: log);
        var hot = h.NewFn();
        var ahead = h.NewFn();
        Assert.Equal(CallStatus.Success, (await h.CallAsync(hot)).Status);
        h.Agent.FnChanged(h.App, ahead);
        await h.Driver.WaitUntilAsync(d => d.CreatedCountOf(ahead.Id) == 1);

        await h.Agent.ShutdownAsync(CancellationToken.None);

        var stopped = Assert.Single(log.Entries, e => e.EventId == 2025);
        Assert.Equal("Runner stopped; removed 2 container(s), none of this node's left on the engine", stopped.Message);
        Assert.Equal(0, h.Driver.LiveCount);
    }

    [Fact]
    public async Task Shutdown_EngineDownWithAContainerCreatedAhead_TheStopNamesIt()
    {
        var log = new CapturingLogger();
        await using var h = new AgentHarness(configure: o => o with { PreCreateMax = 4 }, logger: log);
        var ahead = h.NewFn();
        h.Agent.FnChanged(h.App, ahead);
        await h.Driver.WaitUntilAsync(d => d.CreatedCountOf(ahead.Id) == 1);
        var id = Assert.Single(h.Driver.Containers).Id;
        h.Driver.EngineDown = true;

        await h.Agent.ShutdownAsync(CancellationToken.None);

        AssertStopNamesOnly(log, id);
        h.Driver.EngineDown = false;
    }

    /// <summary>The stop's last line says it removed none and names <paramref name="id"/>, the one container it could not remove.</summary>
    private static void AssertStopNamesOnly(CapturingLogger log, string id)
    {
        var stopped = Assert.Single(log.Entries, e => e.EventId == 2014);
        Assert.Contains("removed 0 container(s), but 1 could not be removed", stopped.Message, StringComparison.Ordinal);
        Assert.EndsWith(id, stopped.Message, StringComparison.Ordinal);
    }
}
