using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner;
using FnSharp.Agent.Runner.Admission;
using FnSharp.Core.Models;
using FnSharp.Testing;
using FnSharp.Testing.Builders;
using FnSharp.Testing.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner.Admission;

/// <summary>Admission alone: who may enter and wait, which limit refuses whom, and what a refusal answers.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CallAdmissionTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero));
    private readonly MeasuringMeterFactory _meters = new();
    private readonly AgentMetrics _metrics;
    private readonly App _app = Models.App();

    public CallAdmissionTests()
    {
        _metrics = new AgentMetrics(_meters, () => 0, () => 0, () => 0, () => []);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public void Admit_RunnerStopping_TooBusyWithRetryAfterCountedAsShuttingDown()
    {
        var admission = New(new AgentOptions { RetryAfterSeconds = 3 });

        var refused = admission.Admit(Call(memoryMiB: 128), stopping: true);

        Assert.Equal((CallStatus.TooBusy, TimeSpan.FromSeconds(3)), (refused!.Status, refused.RetryAfter));
        Assert.Equal(1, _meters.CountOf("fnsharp_calls_too_busy_total", "limit", "shutting_down"));
    }

    [Fact]
    public void TryEnterQueue_StartReadyAfterTheWait_StartBacklog()
    {
        var admission = New(new AgentOptions());

        var refused = admission.TryEnterQueue(TimeSpan.FromSeconds(10), waitingInFn: 0, readyIn: TimeSpan.FromSeconds(12));
        var admitted = admission.TryEnterQueue(TimeSpan.FromSeconds(10), waitingInFn: 0, readyIn: TimeSpan.FromSeconds(9));

        Assert.Equal((TooBusyLimit.StartBacklog, (TooBusyLimit?)null), (refused, admitted));
    }

    [Fact]
    public void Refuse_StartBacklog_RetryAfterFromTheEstimateAndTheReasonInTheBody()
    {
        var admission = New(new AgentOptions { RetryAfterSeconds = 1, MaxWaitMs = 10_000 });

        var refused = admission.Refuse(Call(memoryMiB: 128), TooBusyLimit.StartBacklog, TimeSpan.FromMilliseconds(12_300));

        Assert.Equal((CallStatus.TooBusy, TimeSpan.FromSeconds(13), TooBusyLimit.StartBacklog), (refused.Status, refused.RetryAfter, refused.Limit));
        Assert.Equal((503, "Timed out - server too busy", "start_backlog"), (refused.Error!.Status, refused.Error.Message, refused.Error.Reason));
        Assert.Equal("The fn has no container yet and the server's backlog of container starts would start one in about 13 s, later than the call may wait (10000 ms, FN_MAX_WAIT_MSECS, or the call's deadline). The container is being started: retry after Retry-After.", refused.Error.Detail);
        Assert.Equal(1, _meters.CountOf("fnsharp_calls_too_busy_total", "limit", "start_backlog"));
    }

    [Theory]
    [InlineData(TooBusyLimit.WaitTime, "wait_time", "No container of the fn was free within the wait of 10000 ms (FN_MAX_WAIT_MSECS) or the call's deadline.")]
    [InlineData(TooBusyLimit.FnQueue, "fn_queue", "The fn already has 1000 calls waiting for a container (FN_MAX_QUEUED_PER_FN).")]
    [InlineData(TooBusyLimit.TotalQueue, "total_queue", "The server already has 10000 calls waiting for a container (FN_MAX_QUEUED_TOTAL).")]
    [InlineData(TooBusyLimit.Memory, "memory", "No memory was free for a container of the fn (128 MiB) within the wait: the server's 4096 MiB for containers are held by containers that are running calls, starting, or kept hot (fnsharp.io/min-hot).")]
    [InlineData(TooBusyLimit.ShuttingDown, "shutting_down", "The server is shutting down.")]
    public void Refuse_EachLimit_ReasonAndDetailNameIt(TooBusyLimit limit, string reason, string detail)
    {
        var refused = New(new AgentOptions { RetryAfterSeconds = 2 }).Refuse(Call(memoryMiB: 128), limit);

        Assert.Equal((TimeSpan.FromSeconds(2), reason, detail), (refused.RetryAfter, refused.Error!.Reason, refused.Error.Detail));
        Assert.Equal(1, _meters.CountOf("fnsharp_calls_too_busy_total", "limit", reason));
    }

    [Fact]
    public void Admit_FnBiggerThanTheNode_CannotAllocate()
    {
        var refused = New(new AgentOptions(), memoryMiB: 256).Admit(Call(memoryMiB: 512), stopping: false);

        Assert.Equal((CallStatus.CannotAllocate, 400), (refused!.Status, refused.Error!.Status));
    }

    [Fact]
    public void Admit_AsyncCallBeyondTheAsyncShare_CannotAllocateWhileASyncCallFits()
    {
        var admission = New(new AgentOptions { AsyncMemoryShare = 0.5 }, memoryMiB: 1000);

        var asyncCall = admission.Admit(Call(memoryMiB: 600) with { IsAsync = true }, stopping: false);
        var syncCall = admission.Admit(Call(memoryMiB: 600), stopping: false);

        Assert.Equal(CallStatus.CannotAllocate, asyncCall!.Status);
        Assert.Null(syncCall);
    }

    [Fact]
    public void WaitLimit_NoDeadline_MaxWait()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(2500), New(new AgentOptions { MaxWaitMs = 2500 }).WaitLimit(Call(memoryMiB: 128)));
    }

    [Fact]
    public void WaitLimit_DeadlineBeforeMaxWait_UntilTheDeadline()
    {
        var call = Call(memoryMiB: 128) with { WaitDeadline = _clock.GetUtcNow().AddMilliseconds(200) };

        Assert.Equal(TimeSpan.FromMilliseconds(200), New(new AgentOptions { MaxWaitMs = 2500 }).WaitLimit(call));
    }

    [Fact]
    public void TryEnterQueue_NoWaitLeft_WaitTime()
    {
        Assert.Equal(TooBusyLimit.WaitTime, New(new AgentOptions()).TryEnterQueue(TimeSpan.Zero, waitingInFn: 0));
    }

    [Fact]
    public void TryEnterQueue_FnQueueFull_FnQueue()
    {
        Assert.Equal(TooBusyLimit.FnQueue, New(new AgentOptions { MaxQueuedPerFn = 2 }).TryEnterQueue(TimeSpan.FromSeconds(1), waitingInFn: 2));
    }

    [Fact]
    public void TryEnterQueue_NodeQueueFull_TotalQueueUntilOneLeaves()
    {
        var admission = New(new AgentOptions { MaxQueuedTotal = 2 });
        var wait = TimeSpan.FromSeconds(1);

        var first = admission.TryEnterQueue(wait, waitingInFn: 0);
        var second = admission.TryEnterQueue(wait, waitingInFn: 0);
        var third = admission.TryEnterQueue(wait, waitingInFn: 0);
        admission.LeaveQueue();
        var afterOneLeft = admission.TryEnterQueue(wait, waitingInFn: 0);

        Assert.Equal([null, null, TooBusyLimit.TotalQueue, null], [first, second, third, afterOneLeft]);
    }

    [Theory]
    [InlineData(TooBusyLimit.WaitTime, "wait_time")]
    [InlineData(TooBusyLimit.FnQueue, "fn_queue")]
    [InlineData(TooBusyLimit.TotalQueue, "total_queue")]
    public void Refuse_EachLimit_TooBusyCountedUnderItsLabel(TooBusyLimit limit, string label)
    {
        var refused = New(new AgentOptions()).Refuse(Call(memoryMiB: 128), limit);

        Assert.Equal((CallStatus.TooBusy, 503, TimeSpan.FromSeconds(1)), (refused.Status, refused.Error!.Status, refused.RetryAfter));
        Assert.Equal(1, _meters.CountOf("fnsharp_calls_too_busy_total", "limit", label));
    }

    private CallAdmission New(AgentOptions options, long memoryMiB = 4096) =>
        new(options, new ResourceTracker(new HostResources(memoryMiB, 2000), options.AsyncMemoryShare), _metrics, _clock, NullLogger.Instance);

    private CallRequest Call(int memoryMiB) => new()
    {
        CallId = "call-1",
        App = _app,
        Fn = Models.Fn(_app) with { Memory = memoryMiB },
        Body = new MemoryStream(Encoding.UTF8.GetBytes("x")),
    };
}
