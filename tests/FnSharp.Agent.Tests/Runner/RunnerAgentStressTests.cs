using System.Collections.Concurrent;
using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Core.Models;
using FnSharp.Testing;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// Many fns and calls in parallel with a fixed seed: fast, slow (on the fake clock), failing,
/// invalid and broken calls, fns too big for the host, little memory, short waits and small queues.
/// Checks the runner's invariants rather than exact outcomes, since real sockets interleave freely.
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentStressTests : IAsyncLifetime
{
    private const int TotalMemoryMiB = 1024;
    private static readonly int[] Memories = [64, 128, 256];
    private static readonly string[] Behaviours = ["ok", "ok", "ok", "ok", "slow:50", "slow:400", "slow:3000", "502", "418", "abort"];

    private readonly AgentHarness _h = new(
        memoryMiB: TotalMemoryMiB,
        configure: o => o with { MaxWaitMs = 2000, MaxQueuedPerFn = 12, MaxQueuedTotal = 60, MaxContainerOps = 4, FreezeIdleMs = 100 });

    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _peakDemand = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();

    private readonly ITestOutputHelper _output;

    public RunnerAgentStressTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_ManyFnsAndCallsInParallel_InvariantsHold()
    {
        var random = new Random(20261130);
        var fns = Enumerable.Range(0, 16)
            .Select(i => _h.NewFn(memoryMiB: i == 15 ? 2048 : Memories[random.Next(Memories.Length)], timeoutSeconds: random.Next(1, 4), idleTimeoutSeconds: random.Next(1, 5)))
            .ToList();
        foreach (var fn in fns)
        {
            _h.Driver.SetHandler(fn.Id, HandleAsync);
        }

        var calls = new List<Task<CallStatus>>();
        for (var round = 0; round < 40; round++)
        {
            var burst = random.Next(2, 12);
            for (var i = 0; i < burst; i++)
            {
                calls.Add(RunCallAsync(fns[random.Next(fns.Count)], Behaviours[random.Next(Behaviours.Length)]));
            }

            _h.Clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 100)));
            await PaceAsync(calls);
        }

        var all = Task.WhenAll(calls);
        while (!all.IsCompleted)
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(50));
            await PaceAsync(calls);
        }

        var statuses = await all;
        await _h.Agent.ShutdownAsync(CancellationToken.None);
        _output.WriteLine($"{calls.Count} calls: {string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))}");
        _output.WriteLine($"{_h.Driver.CreatedCount} containers started, peak {_h.Observer.PeakReservedMiB} MiB reserved of {TotalMemoryMiB}, peak {_h.Driver.PeakOperationsInFlight} container operations at once");

        Assert.Empty(_violations);
        Assert.Equal(calls.Count, statuses.Length);
        Assert.Contains(CallStatus.Success, statuses);
        Assert.Contains(CallStatus.CannotAllocate, statuses);
        Assert.InRange(_h.Observer.PeakReservedMiB, 1, TotalMemoryMiB);
        Assert.Equal(0, _h.Driver.LiveCount);
        Assert.Equal(0, _h.LiveContainers);
        Assert.Equal(0, _h.Agent.ReservedMemoryMiB);
    }

    /// <summary>
    /// Lets real socket I/O progress between advances of the fake clock. The only real-time wait in the
    /// suite: it paces the load, and no assertion depends on it.
    /// </summary>
    private static Task<Task> PaceAsync(List<Task<CallStatus>> calls) =>
        Task.WhenAny(Task.WhenAll(calls), Task.Delay(TimeSpan.FromMilliseconds(2)));

    private async Task<CallStatus> RunCallAsync(Fn fn, string behaviour)
    {
        var demand = _inFlight.AddOrUpdate(fn.Id, 1, (_, n) => n + 1);
        _peakDemand.AddOrUpdate(fn.Id, demand, (_, peak) => Math.Max(peak, demand));
        try
        {
            await using var result = await _h.SubmitAsync(fn, behaviour);
            if (result.Response is { } response)
            {
                try
                {
                    await response.Content.ReadAsStringAsync();
                }
                catch (Exception e) when (e is HttpRequestException or IOException or ObjectDisposedException or OperationCanceledException)
                {
                    // The fn's timeout cut the body off.
                }
            }

            CheckContainersWithinDemand();
            return result.Status;
        }
        finally
        {
            _inFlight.AddOrUpdate(fn.Id, 0, (_, n) => n - 1);
        }
    }

    private void CheckContainersWithinDemand()
    {
        foreach (var slot in _h.Agent.Stats())
        {
            var containers = slot.Idle + slot.Busy + slot.Starting;
            var peak = _peakDemand.GetValueOrDefault(slot.FnId);
            if (containers > peak)
            {
                _violations.Enqueue($"fn {slot.FnId} has {containers} containers for a peak demand of {peak}");
            }
        }

        if (_h.Agent.ReservedMemoryMiB > TotalMemoryMiB)
        {
            _violations.Enqueue($"{_h.Agent.ReservedMemoryMiB} MiB reserved of {TotalMemoryMiB}");
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var behaviour = await reader.ReadToEndAsync();
        switch (behaviour)
        {
            case "502":
                context.Response.StatusCode = 502;
                return;
            case "418":
                context.Response.StatusCode = 418;
                return;
            case "abort":
                context.Abort();
                return;
            default:
                if (behaviour.StartsWith("slow:", StringComparison.Ordinal))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(int.Parse(behaviour[5..], System.Globalization.CultureInfo.InvariantCulture)), _h.Clock, context.RequestAborted);
                }

                await context.Response.WriteAsync("ok");
                return;
        }
    }
}
