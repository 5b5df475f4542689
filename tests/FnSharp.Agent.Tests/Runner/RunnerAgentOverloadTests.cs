using System.Collections.Concurrent;
using System.Text.Json;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner;
using FnSharp.Core.Models;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// Issue 16's rules on the fake driver and clock: starts in the order asked within the operations limit, a
/// start whose caller left still serves the fn, early refusal from the start backlog, the reason of a refusal
/// at the end of a wait (memory, the fn's cap), and the <c>fnsharp.io/max-concurrency</c> cap.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentOverloadTests : IAsyncLifetime
{
    private AgentHarness _h = new(configure: o => o with { MaxContainerOps = 1, MaxWaitMs = 1000 });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_StartsOfSeveralFns_CreatedAndStartedOneAfterAnotherInTheOrderAsked()
    {
        await Replace(new AgentHarness(configure: o => o with { MaxContainerOps = 1, MaxWaitMs = 60_000 }));
        var gates = new ConcurrentDictionary<string, TaskCompletionSource>();
        _h.Driver.StartHook = (c, ct) => gates.GetOrAdd(c.Spec.FnId, _ => new()).Task.WaitAsync(ct);
        var fns = Enumerable.Range(0, 3).Select(_ => _h.NewFn()).ToList();

        var calls = new List<Task<AgentHarness.Outcome>>();
        foreach (var fn in fns)
        {
            calls.Add(_h.CallAsync(fn));
            await _h.Driver.WaitUntilAsync(_ => _h.Agent.Stats().Count(s => s.Waiting == 1) == calls.Count);
        }

        var createdWhileEachStarts = new List<string[]>();
        foreach (var fn in fns)
        {
            await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1 && d.Containers.Any(c => c.Spec.FnId == fn.Id));
            createdWhileEachStarts.Add([.. _h.Driver.Created.Select(s => s.FnId)]);
            gates.GetOrAdd(fn.Id, _ => new()).SetResult();
        }

        var outcomes = await Task.WhenAll(calls);

        Assert.Equal([[fns[0].Id], [fns[0].Id, fns[1].Id], [fns[0].Id, fns[1].Id, fns[2].Id]], createdWhileEachStarts);
        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
    }

    [Fact]
    public async Task SubmitAsync_CallerLeavesWhileItsContainerStarts_TheContainerStartsAndServesTheNextCall()
    {
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var fn = _h.NewFn();
        using var leave = new CancellationTokenSource();

        var gone = _h.Agent.SubmitAsync(_h.Request(fn), leave.Token);
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);
        await leave.CancelAsync();
        await Assert.ThrowsAsync<CallCancelledException>(() => gone);
        gate.SetResult();
        await _h.SettleAsync(h => h.Agent.Stats().Any(s => s.FnId == fn.Id && s.Idle == 1));
        var next = await _h.CallAsync(fn);

        Assert.Equal(CallStatus.Success, next.Status);
        Assert.Equal(1, _h.Driver.CreatedCount);
        Assert.Equal(next.Container, Assert.Single(_h.Driver.Containers).Id);
    }

    [Fact]
    public async Task SubmitAsync_StartBacklogLongerThanTheWait_RefusedAtOnceWithItsEstimateAndItsContainerStartedAnyway()
    {
        // One start at a time, 500 ms each (the estimate before any start is measured), a wait of 1000 ms:
        // with two starts asked, a third would be ready in 1500 ms.
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var waiting = new[] { _h.NewFn(), _h.NewFn() };
        var late = _h.NewFn();
        var calls = waiting.Select(fn => _h.CallAsync(fn)).ToList();
        await _h.Driver.WaitUntilAsync(_ => _h.Agent.Stats().Count(s => s.Waiting == 1) == 2);

        await using var refused = await _h.SubmitAsync(late);
        var startingAfterRefusal = _h.StatsOf(late).Starting;
        gate.SetResult();
        var served = await Task.WhenAll(calls);
        await _h.SettleAsync(h => h.Agent.Stats().Any(s => s.FnId == late.Id && s.Idle == 1));
        var retried = await _h.CallAsync(late);

        Assert.Equal((CallStatus.TooBusy, TooBusyLimit.StartBacklog, TimeSpan.FromSeconds(2)), (refused.Status, refused.Limit, refused.RetryAfter));
        Assert.Equal(1, startingAfterRefusal);
        Assert.All(served, o => Assert.Equal(CallStatus.Success, o.Status));
        Assert.Equal(CallStatus.Success, retried.Status);
        Assert.Equal(3, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_StartBacklogWithinTheWait_TheCallWaitsAndIsServed()
    {
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var first = _h.CallAsync(_h.NewFn());
        await _h.Driver.WaitUntilAsync(d => d.StartingCount == 1);

        var second = _h.CallAsync(_h.NewFn());
        await _h.Driver.WaitUntilAsync(_ => _h.Agent.Stats().Count(s => s.Waiting == 1) == 2);
        gate.SetResult();

        Assert.Equal([CallStatus.Success, CallStatus.Success], (await Task.WhenAll(first, second)).Select(o => o.Status));
    }

    [Fact]
    public async Task SubmitAsync_WaitEndsWhileMemoryIsHeldByBusyContainers_RefusedForMemory()
    {
        await Replace(new AgentHarness(memoryMiB: 128, configure: o => o with { MaxWaitMs = 1000 }));
        var release = new TaskCompletionSource();
        var busy = _h.NewFn();
        _h.Driver.SetHandler(busy.Id, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("ok");
        });
        var running = _h.CallAsync(busy);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        var call = _h.SubmitAsync(_h.NewFn());
        await _h.Driver.WaitUntilAsync(_ => _h.Agent.Stats().Any(s => s.Waiting == 1 && s.StartsWaitingForMemory == 1));
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        await using var refused = await call;
        release.SetResult();

        Assert.Equal((CallStatus.TooBusy, TooBusyLimit.Memory), (refused.Status, refused.Limit));
        Assert.Equal(CallStatus.Success, (await running).Status);
    }

    [Fact]
    public async Task SubmitAsync_StartWaitsForMemoryPastItsEstimate_NextCallRefusedAtOnceFromItsPlaceInLine()
    {
        // One container's memory, held by a busy call; starts of 500 ms (the busy fn's, measured) through one place, a
        // wait of 2 s. Four fns' calls wait for starts that wait in line for memory; the fifth's is refused at once
        // (ready in 2.5 s) and its start waits fifth in line. 1 s later its start, still fifth, is still 2.5 s away, not the
        // 1.5 s left of the estimate made when it was asked: its next call is refused at once too, not after its whole wait.
        await Replace(new AgentHarness(memoryMiB: 128, configure: o => o with { MaxContainerOps = 1, MaxWaitMs = 2000 }));
        var release = new TaskCompletionSource();
        var busy = _h.NewFn();
        _h.Driver.SetHandler(busy.Id, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("ok");
        });
        _h.Driver.StartHook = (_, _) =>
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(500));
            return Task.CompletedTask;
        };
        var running = _h.CallAsync(busy);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);
        _h.Driver.StartHook = null;
        var waiting = new List<Task<AgentHarness.Outcome>>();
        foreach (var fn in Enumerable.Range(0, 4).Select(_ => _h.NewFn()))
        {
            waiting.Add(_h.CallAsync(fn));
            await _h.SettleAsync(h => h.Agent.Stats().Count(s => s.StartsWaitingForMemory == 1) == waiting.Count);
        }

        var fifth = _h.NewFn();
        await using var first = await _h.SubmitAsync(fifth);
        await _h.SettleAsync(h => h.StatsOf(fifth).StartsWaitingForMemory == 1);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1000));

        // Waiting instead would never end here (the fake clock stands still): the guard turns that into a failure.
        await using var again = await _h.SubmitAsync(fifth).WaitAsync(TimeSpan.FromSeconds(30));
        release.SetResult();

        Assert.Equal((CallStatus.TooBusy, TooBusyLimit.StartBacklog, TimeSpan.FromSeconds(3)), (first.Status, first.Limit, first.RetryAfter));
        Assert.Equal((CallStatus.TooBusy, TooBusyLimit.StartBacklog, TimeSpan.FromSeconds(3)), (again.Status, again.Limit, again.RetryAfter));
        Assert.Equal(CallStatus.Success, (await running).Status);
        Assert.All(await Task.WhenAll(waiting), o => Assert.Equal(CallStatus.Success, o.Status));
    }

    [Fact]
    public async Task SubmitAsync_StartsWaitingForMemory_GetItInTheOrderAsked()
    {
        await Replace(new AgentHarness(memoryMiB: 256, configure: o => o with { MaxWaitMs = 60_000 }));
        var release = new TaskCompletionSource();
        var holders = new[] { _h.NewFn(), _h.NewFn() };
        foreach (var holder in holders)
        {
            _h.Driver.SetHandler(holder.Id, async context =>
            {
                await release.Task;
                await context.Response.WriteAsync("ok");
            });
        }

        var running = holders.Select(fn => _h.CallAsync(fn)).ToList();
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);

        // Three fns ask for a start, one after another, while busy containers hold all the memory.
        var waiting = new List<Fn>();
        var calls = new List<Task<AgentHarness.Outcome>>();
        for (var i = 0; i < 3; i++)
        {
            waiting.Add(_h.NewFn());
            calls.Add(_h.CallAsync(waiting[^1]));
            await _h.SettleAsync(h => h.Agent.Stats().Sum(s => s.StartsWaitingForMemory) == waiting.Count);
        }

        // The busy containers turn idle, evictable: the line gets their memory in turn.
        release.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
        Assert.All(await Task.WhenAll(running), o => Assert.Equal(CallStatus.Success, o.Status));
        Assert.Equal(waiting.Select(f => f.Id), _h.Driver.Created.Skip(2).Select(s => s.FnId));
        Assert.Equal(0, _h.Observer.MemoryGrantsOutOfOrder);
    }

    [Fact]
    public async Task SubmitAsync_FnWithCapOfTwo_NeverMoreThanTwoContainersAndTheRestQueue()
    {
        await Replace(new AgentHarness(configure: o => o with { MaxWaitMs = 60_000 }));
        var release = new TaskCompletionSource();
        var fn = Capped(_h.NewFn(), "2");
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("ok");
        });

        var calls = Enumerable.Range(0, 6).Select(_ => _h.CallAsync(fn, isAsync: false)).Append(_h.CallAsync(fn, isAsync: true)).ToList();
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(500));
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 2);

        // Calls that run for ten more start times would start more containers without the cap.
        for (var i = 0; i < 10; i++)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        var whileCapped = _h.StatsOf(fn);
        release.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.Equal((2, 0, 5), (whileCapped.Busy, whileCapped.Starting, whileCapped.Waiting));
        Assert.All(outcomes, o => Assert.Equal(CallStatus.Success, o.Status));
        Assert.Equal(2, _h.Driver.CreatedCount);
        Assert.Equal(2, _h.Driver.PeakLiveCountOf(fn.Id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SubmitAsync_CapFullForTheWholeWait_RefusedForTheCapSyncAndDetachedAlike(bool isAsync)
    {
        var release = new TaskCompletionSource();
        var fn = Capped(_h.NewFn(), "1");
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            await release.Task;
            await context.Response.WriteAsync("ok");
        });
        var running = _h.CallAsync(fn, isAsync: !isAsync);
        await _h.Driver.WaitUntilAsync(d => d.CallCount == 1);

        var call = _h.Agent.SubmitAsync(_h.Request(fn) with { IsAsync = isAsync }, CancellationToken.None);
        await _h.Driver.WaitUntilAsync(_ => _h.StatsOf(fn).Waiting == 1);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(1000));
        await using var refused = await call;
        release.SetResult();

        Assert.Equal((CallStatus.TooBusy, TooBusyLimit.ConcurrencyCap, "concurrency_cap"), (refused.Status, refused.Limit, refused.Error!.Reason));
        Assert.Equal(CallStatus.Success, (await running).Status);
        Assert.Equal(1, _h.Driver.CreatedCount);
    }

    private static Fn Capped(Fn fn, string cap) => fn with
    {
        Annotations = new Dictionary<string, JsonElement> { [FnSharpAnnotations.MaxConcurrency] = JsonDocument.Parse($"\"{cap}\"").RootElement },
    };

    private async Task Replace(AgentHarness harness)
    {
        await _h.DisposeAsync();
        _h = harness;
    }
}
