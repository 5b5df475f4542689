using System.Diagnostics;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner;
using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Core.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnSharp.Bench.KeepAlive;

/// <summary>What one policy did with the trace.</summary>
/// <param name="Name">The policy as the table names it.</param>
/// <param name="Calls">Calls answered.</param>
/// <param name="Cold">Calls that waited for a container started for them.</param>
/// <param name="Prewarmed">Calls whose container was pre-warmed for them.</param>
/// <param name="Failed">Calls that did not succeed (0 unless the runner broke).</param>
/// <param name="Starts">Containers started.</param>
/// <param name="MemoryGiBSeconds">The containers' memory times their lives, in GiB-seconds of trace time.</param>
/// <param name="FnColdPercentP75">The 75th percentile over the fns called of each fn's share of cold calls, in percent (the paper's measure).</param>
/// <param name="WallSeconds">How long the replay took.</param>
/// <param name="ColdByArrival">Cold calls by how the fns' calls arrive.</param>
internal sealed record ReplayResult(string Name, int Calls, int Cold, int Prewarmed, int Failed, int Starts, double MemoryGiBSeconds, double FnColdPercentP75, double WallSeconds, IReadOnlyDictionary<Arrival, int> ColdByArrival)
{
    /// <summary>Cold calls in percent of all calls.</summary>
    public double ColdPercent => Calls == 0 ? 0 : 100.0 * Cold / Calls;
}

/// <summary>
/// Replays a <see cref="KeepAliveTrace"/> through the real runner (<see cref="RunnerAgent"/>) on the
/// <see cref="ReplayDriver"/> and the <see cref="ReplayClock"/>: each call is submitted at its time on the clock and
/// runs to its end before the clock moves on (calls take no trace time, so each fn needs one container at a time,
/// as in the paper's simulation); between calls the clock fires the runner's timers (idle-outs, pre-warms) at their
/// due times. The node has memory for every fn's container at once, so nothing is evicted: the replay measures the
/// keep-alive policy alone.
/// </summary>
internal static class KeepAliveReplay
{
    public static async Task<ReplayResult> RunAsync(KeepAliveTrace trace, string name, KeepAlivePolicyKind policy, int idleTimeoutSeconds, CancellationToken cancellationToken)
    {
        var wall = Stopwatch.StartNew();
        var clock = new ReplayClock();
        await using var driver = new ReplayDriver(clock);
        await driver.StartAsync();
        // No containers created ahead (FN_PRECREATE_MAX): they would count memory the keep-alive policy did not keep.
        var options = new AgentOptions { FreezeIdleMs = -1, MaxContainerOps = 64, MaxWaitMs = 60_000, ShutdownGraceMs = 0, KeepAlivePolicy = policy, PreCreateMax = 0 };
        var memory = trace.Fns.Sum(f => (long)f.MemoryMiB) + 1024;
        var agent = new RunnerAgent(driver, new HostResources(memory, 2000), options, clock, NullLogger.Instance, nodeCpuBusy: () => null);
        var app = new App { Id = "APPKEEPALIVEREPLAY00000000", Name = "replay" };
        var fns = trace.Fns.Select(f => new Fn
        {
            Id = $"FN{f.Index:D24}",
            AppId = app.Id,
            Name = $"fn{f.Index}",
            Image = "replay",
            Memory = f.MemoryMiB,
            Timeout = 30,
            IdleTimeout = idleTimeoutSeconds,
        }).ToArray();
        var calls = new int[fns.Length];
        var colds = new int[fns.Length];
        int cold = 0, prewarmed = 0, failed = 0;
        Func<Task> settle = () => SettleAsync(agent, driver);
        try
        {
            foreach (var call in trace.Calls)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await clock.RunUntilAsync(call.At, settle);
                var request = new CallRequest { CallId = Guid.NewGuid().ToString("N"), App = app, Fn = fns[call.Fn], Body = Stream.Null, ContentLength = 0 };
                await using var result = await agent.SubmitAsync(request, cancellationToken);
                calls[call.Fn]++;
                if (result.Status != CallStatus.Success)
                {
                    failed++;
                }

                switch (result.Execution?.StartKind)
                {
                    case StartKind.Cold:
                        cold++;
                        colds[call.Fn]++;
                        break;
                    case StartKind.Prewarmed:
                        prewarmed++;
                        break;
                }
            }

            await clock.RunUntilAsync(trace.Length, settle);
        }
        finally
        {
            // Containers alive at the trace's end count until then: the clock no longer moves.
            await agent.DisposeAsync();
        }

        var fnCold = Enumerable.Range(0, fns.Length).Where(i => calls[i] > 0).Select(i => 100.0 * colds[i] / calls[i]).Order().ToArray();
        var p75 = fnCold.Length == 0 ? 0 : fnCold[Math.Min(fnCold.Length - 1, (int)Math.Ceiling(0.75 * fnCold.Length) - 1)];
        var byArrival = Enum.GetValues<Arrival>().ToDictionary(a => a, a => trace.Fns.Where(f => f.Arrival == a).Sum(f => colds[f.Index]));
        return new ReplayResult(name, trace.Calls.Count, cold, prewarmed, failed, driver.Created, driver.MemoryMiBSeconds / 1024, p75, wall.Elapsed.TotalSeconds, byArrival);
    }

    /// <summary>Waits until the work a timer began (a start, a removal) is done: no container starting or being removed, no call waiting.</summary>
    private static async Task SettleAsync(RunnerAgent agent, ReplayDriver driver)
    {
        for (var i = 0; i < 10_000; i++)
        {
            var stats = agent.Stats();
            if (stats.All(s => s.Starting == 0 && s.Waiting == 0) && driver.Live == stats.Sum(s => s.Idle + s.Busy))
            {
                return;
            }

            await Task.Yield();
        }

        throw new InvalidOperationException("the runner did not settle after a timer fired");
    }
}
