using System.Collections.Concurrent;
using System.Diagnostics;
using FnSharp.Agent.Runner;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>The runner's spans on <c>FnSharp.Agent</c>, seen by an <see cref="ActivityListener"/>.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class AgentTracingTests : IAsyncLifetime
{
    private readonly AgentHarness _h = new();
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;

    public AgentTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AgentTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _h.DisposeAsync();
    }

    [Fact]
    public async Task SubmitAsync_ColdThenHotCall_QueueWaitAndStartOnceDispatchTwice()
    {
        var fn = _h.NewFn();

        await _h.CallAsync(fn);
        await _h.CallAsync(fn);

        // Other tests run their runners in parallel: only this fn's spans count.
        var names = _spans.Where(s => (string?)s.GetTagItem("fn_id") == fn.Id).Select(s => s.OperationName).Order(StringComparer.Ordinal);
        Assert.Equal(["fnsharp.container_start", "fnsharp.dispatch", "fnsharp.dispatch", "fnsharp.queue_wait"], names);
        Assert.All(_spans.Where(s => (string?)s.GetTagItem("fn_id") == fn.Id && s.OperationName == "fnsharp.dispatch"), s => Assert.Equal(200, s.GetTagItem("http.response.status_code")));
    }

    [Fact]
    public async Task SubmitAsync_ColdThenHotCall_DispatchSpansTellTheStartKindAndTheColdOnesPhases()
    {
        var fn = _h.NewFn();
        _h.Driver.ReadyWait = TimeSpan.FromMilliseconds(30);
        _h.Driver.StartHook = (_, _) =>
        {
            _h.Clock.Advance(TimeSpan.FromMilliseconds(100));
            return Task.CompletedTask;
        };

        await _h.CallAsync(fn);
        await _h.CallAsync(fn);

        var dispatches = _spans.Where(s => (string?)s.GetTagItem("fn_id") == fn.Id && s.OperationName == "fnsharp.dispatch").ToList();
        Assert.Equal(["cold", "warm"], dispatches.Select(s => s.GetTagItem("fnsharp.start_kind")));
        Assert.Equal(70L, dispatches[0].GetTagItem("fnsharp.start.start_ms"));
        Assert.Equal(30L, dispatches[0].GetTagItem("fnsharp.start.ready_ms"));
        Assert.Null(dispatches[1].GetTagItem("fnsharp.start.ready_ms"));
        var start = _spans.Single(s => (string?)s.GetTagItem("fn_id") == fn.Id && s.OperationName == "fnsharp.container_start");
        Assert.Equal(0L, start.GetTagItem("fnsharp.start.create_ms"));
        Assert.Equal(30L, start.GetTagItem("fnsharp.start.ready_ms"));
    }
}
