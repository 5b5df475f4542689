using System.Diagnostics.Metrics;
using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner;
using FnSharp.Core.Models;
using FnSharp.Testing.Builders;
using FnSharp.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>A runner on the fake driver and a fake clock, with a fixed amount of memory.</summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    public AgentHarness(long memoryMiB = 4096, Func<AgentOptions, AgentOptions>? configure = null, Microsoft.Extensions.Logging.ILogger? logger = null, IMeterFactory? meterFactory = null, FakeTimeProvider? clock = null)
    {
        Clock = clock ?? new(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
        // Pausing and creating containers ahead are off, and shutdown and a broken connection kill at once, unless a test
        // says otherwise (the fake clock never runs by itself; RunnerAgentPreCreateTests turn creating ahead on).
        var options = new AgentOptions { FreezeIdleMs = -1, MaxContainerOps = 64, MaxWaitMs = 60_000, ShutdownGraceMs = 0, PreCreateMax = 0, ExitGraceMs = 0 };
        Options = configure?.Invoke(options) ?? options;
        Observer = new HarnessObserver(Driver);
        Agent = new RunnerAgent(Driver, new HostResources(memoryMiB, 2000), Options, Clock, logger ?? NullLogger.Instance, meterFactory, Observer, () => NodeCpuBusy);
    }

    public FakeContainerDriver Driver { get; } = new();

    /// <summary>The busy share of the node's 2 CPUs the runner sees (0 to 1); unknown unless a test sets it.</summary>
    public double? NodeCpuBusy { get; set; }

    /// <summary>What the runner reports of its state; each change wakes the driver's waits.</summary>
    public HarnessObserver Observer { get; }

    public FakeTimeProvider Clock { get; }

    public AgentOptions Options { get; }

    public RunnerAgent Agent { get; }

    /// <summary>Containers the runner created and has not removed yet (as its observer counts them).</summary>
    public int LiveContainers => Observer.LiveContainers;

    public App App { get; } = Models.App();

    public Fn NewFn(int memoryMiB = 128, int timeoutSeconds = 30, int idleTimeoutSeconds = 30) =>
        Models.Fn(App, timeoutSeconds: timeoutSeconds) with { Memory = memoryMiB, IdleTimeout = idleTimeoutSeconds };

    public CallRequest Request(Fn fn, string body = "x", App? app = null) => new()
    {
        CallId = Guid.NewGuid().ToString("N"),
        App = app ?? App,
        Fn = fn,
        Body = new MemoryStream(Encoding.UTF8.GetBytes(body)),
        ContentLength = Encoding.UTF8.GetByteCount(body),
    };

    public Task<CallResult> SubmitAsync(Fn fn, string body = "x", CancellationToken cancellationToken = default) =>
        Agent.SubmitAsync(Request(fn, body), cancellationToken);

    /// <summary>Runs a call (an async one with <paramref name="isAsync"/>) to its end: its status, body and the fake container that answered.</summary>
    public async Task<Outcome> CallAsync(Fn fn, string body = "x", App? app = null, bool isAsync = false)
    {
        await using var result = await Agent.SubmitAsync(Request(fn, body, app) with { IsAsync = isAsync }, CancellationToken.None);
        return await ReadAsync(result);
    }

    public static async Task<Outcome> ReadAsync(CallResult result)
    {
        if (result.Response is not { } response)
        {
            return new Outcome(result.Status, null, null);
        }

        var container = response.Headers.TryGetValues(FakeContainerDriver.ContainerHeader, out var values) ? values.Single() : null;
        return new Outcome(result.Status, await response.Content.ReadAsStringAsync(), container);
    }

    /// <summary>Runs a successful call to its end and returns how it had its container.</summary>
    public async Task<CallExecution> ExecuteAsync(Fn fn)
    {
        await using var result = await Agent.SubmitAsync(Request(fn), CancellationToken.None);
        await ReadAsync(result);
        Assert.Equal(CallStatus.Success, result.Status);
        return result.Execution!;
    }

    public SlotStats StatsOf(Fn fn) => Agent.Stats().Single(s => s.FnId == fn.Id);

    /// <summary>Lets the calls and launches started so far run until they wait for something else.</summary>
    public Task SettleAsync(Func<AgentHarness, bool> condition) => Driver.WaitUntilAsync(_ => condition(this));

    public async ValueTask DisposeAsync()
    {
        await Agent.DisposeAsync();
        await Driver.DisposeAsync();
    }

    public sealed record Outcome(CallStatus Status, string? Body, string? Container);
}
