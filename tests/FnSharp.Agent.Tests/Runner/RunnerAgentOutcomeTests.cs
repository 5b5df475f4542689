using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Testing;
using FnSharp.Testing.Fakes;
using FnSharp.Testing.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FnSharp.Agent.Tests.Runner;

/// <summary>Each outcome of <c>fn-compat.md</c> section 3 as a typed result, and what happens to the container.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RunnerAgentOutcomeTests : IAsyncLifetime
{
    private readonly AgentHarness _h = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task SubmitAsync_NewContainer_GetsFnEnvironmentAndMemory()
    {
        var app = _h.App with { Config = new Dictionary<string, string> { ["SHARED"] = "app", ["ONLY_APP"] = "1" } };
        var fn = _h.NewFn(memoryMiB: 256) with { Config = new Dictionary<string, string> { ["SHARED"] = "fn" } };

        var outcome = await _h.CallAsync(fn, "x", app);

        Assert.Equal(CallStatus.Success, outcome.Status);
        var spec = Assert.Single(_h.Driver.Created);
        Assert.Equal(256, spec.MemoryMiB);
        Assert.Equal(fn.Image, spec.Image);
        Assert.Equal("fn", spec.Environment["SHARED"]);
        Assert.Equal("1", spec.Environment["ONLY_APP"]);
        Assert.Equal("unix:/tmp/iofs/lsnr.sock", spec.Environment["FN_LISTENER"]);
        Assert.Equal("http-stream", spec.Environment["FN_FORMAT"]);
        Assert.Equal("sync", spec.Environment["FN_TYPE"]);
        Assert.Equal("256", spec.Environment["FN_MEMORY"]);
        Assert.Equal(fn.Id, spec.Environment["FN_FN_ID"]);
        Assert.Equal(app.Id, spec.Environment["FN_APP_ID"]);
        Assert.Equal(fn.Name, spec.Environment["FN_FN_NAME"]);
        Assert.Equal(app.Name, spec.Environment["FN_APP_NAME"]);
    }

    [Fact]
    public async Task SubmitAsync_CallReachesContainer_WithCallIdDeadlineAndClientHeaders()
    {
        var fn = _h.NewFn(timeoutSeconds: 7);
        var request = _h.Request(fn) with { Headers = [new("X-Custom", "yes"), new("Connection", "keep-alive"), new("Keep-Alive", "timeout=5")] };

        var seen = await HeadersSeenAsync(request);

        Assert.Equal(request.CallId, seen["Fn-Call-Id"]);
        Assert.Equal("2026-11-30T10:00:07.000Z", seen["Fn-Deadline"]);
        Assert.Equal("yes", seen["X-Custom"]);
        Assert.False(seen.ContainsKey("Keep-Alive"));
    }

    [Fact]
    public async Task SubmitAsync_ClientSendsItsOwnCallIdAndDeadline_TheContainerSeesThePlatformsOnly()
    {
        var fn = _h.NewFn(timeoutSeconds: 7);
        var request = _h.Request(fn) with { Headers = [new("fn-call-id", "from-the-client"), new("Fn-Deadline", "2099-01-01T00:00:00.000Z")] };

        var seen = await HeadersSeenAsync(request);

        Assert.Equal(request.CallId, seen["Fn-Call-Id"]);
        Assert.Equal("2026-11-30T10:00:07.000Z", seen["Fn-Deadline"]);
    }

    /// <summary>Runs <paramref name="request"/> to its end; the headers its container received.</summary>
    private async Task<Dictionary<string, string>> HeadersSeenAsync(CallRequest request)
    {
        Dictionary<string, string>? seen = null;
        _h.Driver.Handler = context =>
        {
            // Kestrel reuses its header collections once the request ends: copy them.
            seen = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        };

        await using (await _h.Agent.SubmitAsync(request, CancellationToken.None))
        {
        }

        Assert.NotNull(seen);
        return seen;
    }

    [Theory]
    [InlineData(ContainerStartError.ImageNotFound, CallStatus.ImageNotFound, 502)]
    [InlineData(ContainerStartError.InitFailed, CallStatus.ContainerInitFailed, 502)]
    [InlineData(ContainerStartError.InitTimedOut, CallStatus.ContainerInitTimedOut, 504)]
    [InlineData(ContainerStartError.NodeFault, CallStatus.NodeFault, 500)]
    public async Task SubmitAsync_ContainerCannotStart_TypedFailureNoContainerAndNoMemoryLeft(ContainerStartError error, CallStatus expected, int status)
    {
        _h.Driver.StartFailure = error;

        await using var result = await _h.SubmitAsync(_h.NewFn());

        Assert.Equal(expected, result.Status);
        Assert.Equal(status, result.Error!.Status);
        await _h.SettleAsync(h => h.LiveContainers == 0);
        Assert.Equal(0, _h.Driver.LiveCount);
        Assert.Equal(0, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task SubmitAsync_ContainerFailsToInitialize_CallerGetsTheReasonAndTheLogTheDriversAccount()
    {
        _h.Driver.StartFailure = ContainerStartError.InitFailed;

        await using var result = await _h.SubmitAsync(_h.NewFn());

        Assert.Equal((CallStatus.ContainerInitFailed, 502), (result.Status, result.Error!.Status));
        Assert.Equal(CallErrors.ContainerInitFailed.Message + ": fake reason", result.Error.Message);
        Assert.Equal("fake start failure InitFailed", result.FailureLog);
    }

    [Theory]
    [InlineData(ContainerStartError.ImageNotFound, 502)]
    [InlineData(ContainerStartError.ImageUnauthorized, 502)]
    public async Task SubmitAsync_ImageCannotBePulled_CallerGetsTheDriversAccountNotContainerFailedToInitialize(ContainerStartError error, int status)
    {
        _h.Driver.StartFailure = error;
        var fn = _h.NewFn();

        await using var result = await _h.SubmitAsync(fn);

        Assert.Equal(CallStatus.ImageNotFound, result.Status);
        Assert.Equal((status, $"Failed to pull image '{fn.Image}': fake start failure {error}"), (result.Error!.Status, result.Error.Message));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("\"if-not-present\"", false)]
    [InlineData("\"always\"", true)]
    public async Task SubmitAsync_PullPolicyAnnotation_PassedToTheDriversSpec(string? policy, bool pullAlways)
    {
        var fn = _h.NewFn();
        if (policy is not null)
        {
            fn = fn with { Annotations = new Dictionary<string, System.Text.Json.JsonElement> { [FnSharp.Core.Models.FnSharpAnnotations.PullPolicy] = System.Text.Json.JsonDocument.Parse(policy).RootElement.Clone() } };
        }

        await using var result = await _h.SubmitAsync(fn);

        Assert.Equal(CallStatus.Success, result.Status);
        Assert.Equal(pullAlways, Assert.Single(_h.Driver.Created).PullAlways);
    }

    [Fact]
    public async Task SubmitAsync_ImageMissing_EveryWaitingCallGetsTheError()
    {
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        _h.Driver.StartFailure = ContainerStartError.ImageNotFound;
        var fn = _h.NewFn();

        var calls = Enumerable.Range(0, 3).Select(_ => _h.CallAsync(fn)).ToList();
        gate.SetResult();
        var outcomes = await Task.WhenAll(calls);

        Assert.All(outcomes, o => Assert.Equal(CallStatus.ImageNotFound, o.Status));
        Assert.Equal(1, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_FunctionAnswers502_FunctionFailedAndContainerKept()
    {
        _h.Driver.Handler = context =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        };
        var fn = _h.NewFn();

        var first = await _h.CallAsync(fn);
        var second = await _h.CallAsync(fn);

        Assert.Equal(CallStatus.FunctionFailed, first.Status);
        Assert.Equal(CallStatus.FunctionFailed, second.Status);
        Assert.Equal(1, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_FunctionAnswers504_TimedOutAndContainerKilled()
    {
        _h.Driver.Handler = context =>
        {
            context.Response.StatusCode = 504;
            return Task.CompletedTask;
        };

        var outcome = await _h.CallAsync(_h.NewFn());

        Assert.Equal(CallStatus.TimedOut, outcome.Status);
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
    }

    [Fact]
    public async Task SubmitAsync_FunctionAnswersUnexpectedStatus_InvalidResponseAndContainerReplaced()
    {
        _h.Driver.Handler = context =>
        {
            context.Response.StatusCode = 418;
            return Task.CompletedTask;
        };
        var fn = _h.NewFn();

        var first = await _h.CallAsync(fn);
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
        await _h.CallAsync(fn);

        Assert.Equal(CallStatus.InvalidResponse, first.Status);
        Assert.Equal(2, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_ConnectionBreaks_ReceiveFailedAndContainerKilled()
    {
        _h.Driver.Handler = context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

        var outcome = await _h.CallAsync(_h.NewFn());

        Assert.Equal(CallStatus.ReceiveFailed, outcome.Status);
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
    }

    [Fact]
    public async Task SubmitAsync_ContainerExitsDuringCall_ReceiveFailedNamingTheExitCode()
    {
        var log = new CapturingLogger();
        await using var h = new AgentHarness(logger: log);
        h.Driver.Handler = context =>
        {
            // The function's process exits: the container's exit says with what, and the connection breaks.
            FakeContainer.Of(context).Exit(new ContainerExit { ExitCode = 7, OomKilled = false, StderrTail = [] });
            context.Abort();
            return Task.CompletedTask;
        };

        var fn = h.NewFn();

        await using var result = await h.SubmitAsync(fn);

        Assert.Equal(CallStatus.ReceiveFailed, result.Status);
        Assert.Equal(new(502, "error receiving function response: the container exited with code 7"), result.Error);
        var line = Assert.Single(log.Entries, e => e.EventId == 2092);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.EndsWith($" of fn {fn.Id} got no readable response: its container exited with code 7 during the call", line.Message, StringComparison.Ordinal);
        await h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
    }

    [Fact]
    public async Task SubmitAsync_ContainerExitsJustAfterItsConnectionBroke_ExitCodeNamedNotTheKill()
    {
        // .NET's Environment.Exit stops the web host (the connection breaks) before the process ends: the runner gives
        // it the exit grace before the kill, whose 137 would hide the code. The process exits 100 ms after the break,
        // once the runner waits for it (its grace timer made) or kills it (its removal begun), whichever comes first.
        var clock = new TimerWatchingClock(TimeSpan.FromMilliseconds(250));
        await using var h = new AgentHarness(configure: o => o with { ExitGraceMs = 250 }, clock: clock);
        var removing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Driver.RemoveHook = _ =>
        {
            removing.TrySetResult();
            return Task.CompletedTask;
        };
        FakeContainer? called = null;
        h.Driver.Handler = context =>
        {
            called = FakeContainer.Of(context);
            context.Abort();
            return Task.CompletedTask;
        };

        var submitted = h.SubmitAsync(h.NewFn());
        await Task.WhenAny(clock.Created, removing.Task).WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System); // only a guard against a hang
        h.Clock.Advance(TimeSpan.FromMilliseconds(100));
        called!.Exit(new ContainerExit { ExitCode = 3, OomKilled = false, StderrTail = [] });
        await using var result = await submitted;

        Assert.Equal(new(502, "error receiving function response: the container exited with code 3"), result.Error);
    }

    [Fact]
    public async Task SubmitAsync_ConnectionBreaksAndTheContainerRunsOnPastTheGrace_KilledThenAndFnsMessageAlone()
    {
        var clock = new TimerWatchingClock(TimeSpan.FromMilliseconds(250));
        await using var h = new AgentHarness(configure: o => o with { ExitGraceMs = 250 }, clock: clock);
        h.Driver.Handler = context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

        var submitted = h.SubmitAsync(h.NewFn());
        await clock.Created.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System); // only a guard against a hang
        h.Clock.Advance(TimeSpan.FromMilliseconds(250));
        await using var result = await submitted;

        Assert.Equal(CallErrors.ReceiveFailed, result.Error);
        await h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
    }

    [Fact]
    public async Task SubmitAsync_ConnectionBreaksAndRemovalKillsTheContainer_FnsMessageAlone()
    {
        // The fake's removal exits with 137, as the drivers' kill: the node's doing, not named as the container's exit.
        _h.Driver.Handler = context =>
        {
            context.Abort();
            return Task.CompletedTask;
        };

        await using var result = await _h.SubmitAsync(_h.NewFn());

        Assert.Equal(CallErrors.ReceiveFailed, result.Error);
    }

    [Fact]
    public async Task SubmitAsync_ContainerOomKilled_OutOfMemoryNotReceiveFailed()
    {
        _h.Driver.Handler = context =>
        {
            // The kernel kills the process: the container's exit says so, and the connection breaks.
            FakeContainer.Of(context).Exit(new ContainerExit { ExitCode = 137, OomKilled = true, StderrTail = [] });
            context.Abort();
            return Task.CompletedTask;
        };

        await using var result = await _h.SubmitAsync(_h.NewFn());

        Assert.Equal(CallStatus.OutOfMemory, result.Status);
        Assert.Equal(502, result.Error!.Status);
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
    }

    [Fact]
    public async Task SubmitAsync_ClientGoesAwayMidCall_CancelledWithTheExecutionAndContainerKilled()
    {
        var entered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fn = _h.NewFn();
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            var container = FakeContainer.Of(context);
            container.AddCallLog(context.Request.Headers["Fn-Call-Id"].ToString(), new ContainerLogLine(ContainerOutput.Stdout, "working"));
            entered.SetResult(container.Id);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        _h.Clock.Advance(TimeSpan.FromSeconds(3));
        var assignedAt = _h.Clock.GetUtcNow();
        using var client = new CancellationTokenSource();

        var call = _h.Agent.SubmitAsync(_h.Request(fn), client.Token);
        var containerId = await entered.Task;
        await client.CancelAsync();
        var cancelled = await Assert.ThrowsAsync<CallCancelledException>(() => call);
        await _h.SettleAsync(h => h.LiveContainers == 0);

        Assert.Equal(client.Token, cancelled.CancellationToken);
        Assert.NotNull(cancelled.Execution);
        Assert.Equal((containerId, assignedAt), (cancelled.Execution.ContainerId, cancelled.Execution.StartedAt));
        Assert.Equal([new ContainerLogLine(ContainerOutput.Stdout, "working")], cancelled.Execution.TakeLogs());
        Assert.Equal(0, _h.Driver.LiveCount);
        Assert.Equal(0, _h.Agent.ReservedMemoryMiB);
    }

    [Fact]
    public async Task SubmitAsync_ClientGoesAwayMidCallThatOutlivesIt_RunsToItsAnswerAndTheContainerServesTheNextCall()
    {
        var entered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fn = _h.NewFn();
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            if (!entered.Task.IsCompleted)
            {
                entered.SetResult(FakeContainer.Of(context).Id);
                await finish.Task;
            }

            await context.Response.WriteAsync("done");
        });
        using var client = new CancellationTokenSource();

        var call = _h.Agent.SubmitAsync(_h.Request(fn) with { OutlivesCaller = true }, client.Token);
        var containerId = await entered.Task;
        await client.CancelAsync();
        finish.SetResult();
        string answer;
        await using (var result = await call)
        {
            answer = await result.Response!.Content.ReadAsStringAsync();
        }

        await using var next = await _h.Agent.SubmitAsync(_h.Request(fn), CancellationToken.None);

        Assert.Equal("done", answer);
        Assert.Equal(CallStatus.Success, next.Status);
        Assert.Equal((containerId, StartKind.Warm), (next.Execution!.ContainerId, next.Execution.StartKind));
        Assert.Equal(1, _h.Driver.LiveCount);
    }

    [Fact]
    public async Task SubmitAsync_CallOutlivesTimeout_TimedOutContainerKilledAndNextCallGetsNewOne()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fn = _h.NewFn(timeoutSeconds: 5);
        _h.Driver.SetHandler(fn.Id, async context =>
        {
            if (entered.TrySetResult())
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            context.Response.StatusCode = 200;
        });

        var call = _h.SubmitAsync(fn);
        await entered.Task;
        _h.Clock.Advance(TimeSpan.FromSeconds(5));
        await using var result = await call;
        await _h.Driver.WaitUntilAsync(d => d.LiveCount == 0);
        var next = await _h.CallAsync(fn);

        Assert.Equal(CallStatus.TimedOut, result.Status);
        Assert.Equal((504, "Timed out"), (result.Error!.Status, result.Error.Message));
        Assert.Equal(CallStatus.Success, next.Status);
        Assert.Equal(2, _h.Driver.CreatedCount);
    }

    [Fact]
    public async Task SubmitAsync_TimeoutCountsFromAssignment_WaitingTimeIsNotCharged()
    {
        var gate = new TaskCompletionSource();
        _h.Driver.StartHook = (_, ct) => gate.Task.WaitAsync(ct);
        var fn = _h.NewFn(timeoutSeconds: 5);

        var call = _h.CallAsync(fn);
        _h.Clock.Advance(TimeSpan.FromSeconds(10));
        gate.SetResult();

        Assert.Equal(CallStatus.Success, (await call).Status);
    }

    [Fact]
    public void CallStatus_EveryFailure_MapsToOneDistinctErrorOfTheOutcomeTable()
    {
        var expected = new Dictionary<CallStatus, (int, string)>
        {
            [CallStatus.FunctionFailed] = (502, "function failed"),
            [CallStatus.InvalidResponse] = (502, "invalid function response"),
            [CallStatus.ReceiveFailed] = (502, "error receiving function response"),
            [CallStatus.TimedOut] = (504, "Timed out"),
            [CallStatus.ContainerInitTimedOut] = (504, CallErrors.ContainerInitTimedOut.Message),
            [CallStatus.ContainerInitFailed] = (502, CallErrors.ContainerInitFailed.Message),
            [CallStatus.TooBusy] = (503, "Timed out - server too busy"),
            [CallStatus.CannotAllocate] = (400, CallErrors.CannotAllocate(8192, 200, detached: false, "FN_MAX_TOTAL_MEMORY_BYTES=209715200").Message),
            [CallStatus.OutOfMemory] = (502, CallErrors.OutOfMemory.Message),
            [CallStatus.ImageNotFound] = (502, CallErrors.ImageNotFound("i").Message),
            [CallStatus.EngineUnavailable] = (503, CallErrors.EngineUnavailable.Message),
            [CallStatus.NodeFault] = (500, CallErrors.NodeFault(null).Message),
            [CallStatus.FnRemoved] = (404, CallErrors.FnRemoved("F").Message),
        };

        Assert.Equal(Enum.GetValues<CallStatus>().Length - 1, expected.Count);
        Assert.Equal(expected.Count, expected.Values.Distinct().Count());
        Assert.Equal((503, "Timed out - server too busy"), (CallErrors.TooBusy.Status, CallErrors.TooBusy.Message));
        var refusal = CallErrors.CannotAllocate(8192, 200, detached: false, "FN_MAX_TOTAL_MEMORY_BYTES=209715200");
        Assert.Equal((400, "Requested CPU/Memory cannot be allocated: the fn asks 8192 MiB and containers on this node may use 200 MiB in all (bounded by FN_MAX_TOTAL_MEMORY_BYTES=209715200); lower the fn's memory"), (refusal.Status, refusal.Message));
    }

    /// <summary>A fake clock that says when a timer of one due time was made (the runner's exit grace).</summary>
    private sealed class TimerWatchingClock(TimeSpan watched) : FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero))
    {
        private readonly TaskCompletionSource _created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Created => _created.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == watched)
            {
                _created.TrySetResult();
            }

            return timer;
        }
    }
}
