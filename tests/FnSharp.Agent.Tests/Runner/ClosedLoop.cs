using System.Collections.Concurrent;
using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using Microsoft.AspNetCore.Http;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// Callers that call one fn of the harness in a closed loop (each calls again as soon as its call ends), every call
/// held in its fake container until the test ends it: the test plays the calls' pace on the fake clock.
/// </summary>
internal sealed class ClosedLoop
{
    private readonly AgentHarness _h;
    private readonly ConcurrentQueue<TaskCompletionSource> _running = new();
    private readonly List<Task> _callers;
    private volatile bool _stop;

    /// <summary>Starts <paramref name="callers"/> callers of <paramref name="fn"/>; <paramref name="ended"/> runs in the container as each call ends, before its answer.</summary>
    public ClosedLoop(AgentHarness h, Fn fn, int callers, Action<HttpContext>? ended = null)
    {
        _h = h;
        h.Driver.SetHandler(fn.Id, async context =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _running.Enqueue(done);
            h.Driver.Changed();
            await done.Task;
            ended?.Invoke(context);
            await context.Response.WriteAsync("ok");
        });
        _callers = [.. Enumerable.Range(0, callers).Select(_ => CallInLoopAsync(fn))];
    }

    /// <summary>
    /// Starts <paramref name="callers"/> callers of <paramref name="fn"/> after one call that ran <paramref name="callTime"/> on the
    /// fake clock, as the benchmark's warm-up: the fn's call time is known before its callers come. <paramref name="ended"/>
    /// runs as each call ends, that one too.
    /// </summary>
    public static async Task<ClosedLoop> AfterOneCallAsync(AgentHarness h, Fn fn, int callers, TimeSpan callTime, Action<HttpContext>? ended = null)
    {
        var loop = new ClosedLoop(h, fn, 0, ended);
        var first = h.CallAsync(fn);
        await h.Driver.WaitUntilAsync(_ => !loop._running.IsEmpty);
        h.Clock.Advance(callTime);
        loop.End(1);
        Assert.Equal(CallStatus.Success, (await first).Status);
        loop._callers.AddRange(Enumerable.Range(0, callers).Select(_ => loop.CallInLoopAsync(fn)));
        return loop;
    }

    /// <summary>Calls running in a container now.</summary>
    public int Running => _running.Count;

    /// <summary>Ends up to <paramref name="count"/> of the running calls, the oldest first.</summary>
    public void End(int count)
    {
        for (var k = count; k > 0 && _running.TryDequeue(out var call); k--)
        {
            call.SetResult();
        }
    }

    /// <summary>Stops the callers: ends every call, advancing the clock a tick at a time, until each caller returned.</summary>
    public async Task StopAsync(TimeSpan tick)
    {
        _stop = true;
        var all = Task.WhenAll(_callers);
        while (!all.IsCompleted)
        {
            End(int.MaxValue);
            _h.Clock.Advance(tick);
            await Task.WhenAny(all, _h.Driver.WaitUntilAsync(_ => !_running.IsEmpty));
        }

        await all;
    }

    private async Task CallInLoopAsync(Fn fn)
    {
        while (!_stop)
        {
            Assert.Equal(CallStatus.Success, (await _h.CallAsync(fn)).Status);
        }
    }
}
