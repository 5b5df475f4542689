using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Runner;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>
/// Many fns and calls in parallel with a fixed seed: fast, slow (on the fake clock), failing,
/// invalid and broken calls, fns too big for the host, little memory, short waits and small queues,
/// fns with a concurrency cap, detached calls, fns that compute and fns that wait (their CPU measured) on CPUs
/// saturated or not, so that waiting fns grow to their demand. Checks the runner's invariants rather than exact outcomes,
/// since real sockets interleave freely: containers within demand and memory; memory granted to starts
/// in the order asked; no fn with a cap runs more calls than its cap; no call refused for its wait, its
/// fn's cap or memory before its whole wait ran; a detached call to a capped fn is never failed (only
/// refused as too busy, which the worker queues again).
/// </summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentStressTests : IAsyncLifetime
{
    private const int TotalMemoryMiB = 1024;
    private const int MaxWaitMs = 2000;
    private const int CappedFns = 3;
    private static readonly int[] Memories = [64, 128, 256];
    private static readonly string[] Behaviours = ["ok", "ok", "ok", "ok", "slow:50", "slow:400", "slow:3000", "502", "418", "abort"];
    private static readonly string[] CappedBehaviours = [.. Behaviours.Where(b => b != "slow:3000")];

    private readonly AgentHarness _h = new(
        memoryMiB: TotalMemoryMiB,
        configure: o => o with { MaxWaitMs = MaxWaitMs, MaxQueuedPerFn = 12, MaxQueuedTotal = 60, MaxContainerOps = 4, FreezeIdleMs = 100 });

    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _peakDemand = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _caps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _violations = new();
    private HashSet<string> _computing = [];

    private readonly ITestOutputHelper _output;

    public RunnerAgentStressTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public Task InitializeAsync()
    {
        _h.Driver.ReportsCpu = true;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_ManyFnsAndCallsInParallel_InvariantsHold()
    {
        var random = new Random(20261130);
        var fns = Enumerable.Range(0, 16)
            .Select(i => _h.NewFn(memoryMiB: i == 15 ? 2048 : Memories[random.Next(Memories.Length)], timeoutSeconds: random.Next(1, 4), idleTimeoutSeconds: random.Next(1, 5)))
            .Select((fn, i) => i < CappedFns ? Capped(fn, i + 1) : fn)
            .ToList();
        foreach (var fn in fns)
        {
            _h.Driver.SetHandler(fn.Id, HandleAsync);
        }

        // Every other fn computes for the whole of its calls; the others barely use the CPU.
        _computing = [.. fns.Where((_, i) => i % 2 == 1).Select(f => f.Id)];

        var calls = new List<Task<CallStatus>>();
        for (var round = 0; round < 40; round++)
        {
            _h.NodeCpuBusy = random.Next(3) == 0 ? 0.95 : 0.4;
            var burst = random.Next(2, 12);
            for (var i = 0; i < burst; i++)
            {
                var fn = fns[random.Next(fns.Count)];
                var detached = _caps.ContainsKey(fn.Id) && random.Next(3) == 0;

                // Detached calls to capped fns run well, so that any failure of theirs would be the cap's; calls of capped
                // fns end within their timeout, so that no call cut off still runs in a container being removed.
                var behaviours = detached ? Behaviours[..2] : _caps.ContainsKey(fn.Id) ? CappedBehaviours : Behaviours;
                calls.Add(RunCallAsync(fn, behaviours[random.Next(behaviours.Length)], detached));
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

        _output.WriteLine($"{_h.Observer.MemoryGrants} memory grants, {_h.Observer.MemoryGrantsOutOfOrder} out of the order asked");

        Assert.Empty(_violations);
        Assert.Equal(0, _h.Observer.MemoryGrantsOutOfOrder);
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

    private async Task<CallStatus> RunCallAsync(Fn fn, string behaviour, bool detached)
    {
        var demand = _inFlight.AddOrUpdate(fn.Id, 1, (_, n) => n + 1);
        _peakDemand.AddOrUpdate(fn.Id, demand, (_, peak) => Math.Max(peak, demand));
        var submitted = _h.Clock.GetTimestamp();
        try
        {
            await using var result = await _h.Agent.SubmitAsync(_h.Request(fn, behaviour) with { IsAsync = detached }, CancellationToken.None);
            CheckRefusal(fn, result, _h.Clock.GetElapsedTime(submitted), detached);
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

    /// <summary>A refusal at the end of a wait comes only after the whole wait; a detached call to a capped fn that runs well is never failed.</summary>
    private void CheckRefusal(Fn fn, CallResult result, TimeSpan waited, bool detached)
    {
        if (result.Limit is TooBusyLimit.WaitTime or TooBusyLimit.ConcurrencyCap or TooBusyLimit.Memory && waited < TimeSpan.FromMilliseconds(MaxWaitMs))
        {
            _violations.Enqueue($"call of fn {fn.Id} refused for {result.Limit} after {waited.TotalMilliseconds} ms, within its wait of {MaxWaitMs} ms");
        }

        if (detached && result.Status is not (CallStatus.Success or CallStatus.TooBusy))
        {
            _violations.Enqueue($"detached call of capped fn {fn.Id} failed with {result.Status}");
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

            if (_caps.TryGetValue(slot.FnId, out var cap) && containers > cap)
            {
                _violations.Enqueue($"fn {slot.FnId} has {containers} containers over its cap of {cap}");
            }
        }

        if (_h.Agent.ReservedMemoryMiB > TotalMemoryMiB)
        {
            _violations.Enqueue($"{_h.Agent.ReservedMemoryMiB} MiB reserved of {TotalMemoryMiB}");
        }
    }

    private Fn Capped(Fn fn, int cap)
    {
        _caps[fn.Id] = cap;
        return fn with
        {
            Annotations = new Dictionary<string, JsonElement> { [FnSharpAnnotations.MaxConcurrency] = JsonDocument.Parse(cap.ToString(CultureInfo.InvariantCulture)).RootElement },
        };
    }

    private async Task HandleAsync(HttpContext context)
    {
        var fnId = FakeContainer.Of(context).Spec.FnId;
        var running = _running.AddOrUpdate(fnId, 1, (_, n) => n + 1);
        try
        {
            if (_caps.TryGetValue(fnId, out var cap) && running > cap)
            {
                _violations.Enqueue($"fn {fnId} runs {running} calls at once, over its cap of {cap}");
            }

            await BehaveAsync(context);
        }
        finally
        {
            _running.AddOrUpdate(fnId, 0, (_, n) => n - 1);
        }
    }

    private async Task BehaveAsync(HttpContext context)
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
                var duration = behaviour.StartsWith("slow:", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(int.Parse(behaviour[5..], CultureInfo.InvariantCulture)) : TimeSpan.Zero;
                if (duration > TimeSpan.Zero)
                {
                    await Task.Delay(duration, _h.Clock, context.RequestAborted);
                }

                var container = FakeContainer.Of(context);
                container.UseCpu(_computing.Contains(container.Spec.FnId) ? duration : TimeSpan.FromMilliseconds(0.1));

                await context.Response.WriteAsync("ok");
                return;
        }
    }
}
