using FnSharp.Agent.Calls;
using FnSharp.Testing;
using FnSharp.Testing.Logging;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>One warning line per refused call, naming the limit (and its setting) and the fn.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentRefusalLogTests : IAsyncLifetime
{
    private readonly CapturingLogger _log = new();
    private AgentHarness? _h;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_h is not null)
        {
            await _h.DisposeAsync();
        }
    }

    [Fact]
    public async Task SubmitAsync_QueueOfFnFull_OneLineNamingFnQueueAndFn()
    {
        _h = new AgentHarness(configure: o => o with { MaxQueuedPerFn = 1 }, logger: _log);
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var fn = _h.NewFn();
        var queued = _h.SubmitAsync(fn);

        await using var refused = await _h.Agent.SubmitAsync(_h.Request(fn) with { CallId = "call-refused" }, CancellationToken.None);

        Assert.Equal(CallStatus.TooBusy, refused.Status);
        var line = Assert.Single(Refusals());
        Assert.Equal(new LogEntry(LogLevel.Warning, 2041, $"Call call-refused of fn {fn.Id} refused, too busy: the fn already has FN_MAX_QUEUED_PER_FN=1 calls waiting"), line);
        gate.SetResult();
        await using var first = await queued;
    }

    [Fact]
    public async Task SubmitAsync_TotalQueueFull_OneLineNamingTotalQueue()
    {
        _h = new AgentHarness(configure: o => o with { MaxQueuedTotal = 1 }, logger: _log);
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var queued = _h.SubmitAsync(_h.NewFn());
        var fn = _h.NewFn();

        await using var refused = await _h.Agent.SubmitAsync(_h.Request(fn) with { CallId = "call-refused" }, CancellationToken.None);

        var line = Assert.Single(Refusals());
        Assert.Equal(new LogEntry(LogLevel.Warning, 2042, $"Call call-refused of fn {fn.Id} refused, too busy: the node already has FN_MAX_QUEUED_TOTAL=1 calls waiting"), line);
        gate.SetResult();
        await using var first = await queued;
    }

    [Fact]
    public async Task SubmitAsync_WaitExpires_OneLineNamingWaitTime()
    {
        _h = new AgentHarness(configure: o => o with { MaxWaitMs = 500 }, logger: _log);
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var fn = _h.NewFn();

        var call = _h.Agent.SubmitAsync(_h.Request(fn) with { CallId = "call-waited" }, CancellationToken.None);
        _h.Clock.Advance(TimeSpan.FromMilliseconds(500));
        await using var refused = await call;

        Assert.Equal(CallStatus.TooBusy, refused.Status);
        var line = Assert.Single(Refusals());
        Assert.Equal(new LogEntry(LogLevel.Warning, 2040, $"Call call-waited of fn {fn.Id} refused, too busy: no container within FN_MAX_WAIT_MSECS=500 ms or the call's deadline"), line);
        gate.SetResult();
    }

    [Fact]
    public async Task SubmitAsync_FnBiggerThanNode_OneLineWithAskedAndTotalMemory()
    {
        _h = new AgentHarness(memoryMiB: 256, logger: _log);
        var fn = _h.NewFn(memoryMiB: 512);

        await using var refused = await _h.Agent.SubmitAsync(_h.Request(fn) with { CallId = "call-big" }, CancellationToken.None);

        Assert.Equal(CallStatus.CannotAllocate, refused.Status);
        var line = Assert.Single(Refusals());
        Assert.Equal(new LogEntry(LogLevel.Warning, 2044, $"Call call-big of fn {fn.Id} refused, cannot allocate: it asks 512 MiB and containers may have 256 MiB in total"), line);
    }

    private List<LogEntry> Refusals() => [.. _log.Entries.Where(e => e.EventId is >= 2040 and <= 2049)];
}
