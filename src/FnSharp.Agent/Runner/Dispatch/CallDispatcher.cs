using System.Diagnostics;
using FnSharp.Agent.Runner.Containers;

namespace FnSharp.Agent.Runner.Dispatch;

/// <summary>
/// Runs one call in one container and maps how it ended to the typed <see cref="CallResult"/>, one row of
/// the outcome table of <c>fn-compat.md</c> section 3 each: it thaws the container if it was paused, sends
/// the call under the fn's timeout (counted from here, the assignment), and gives the container back to its
/// owner kept (200, 502) or killed (504, any other status, a broken connection, the timeout, an answer the
/// caller abandoned, a caller gone mid-call unless the call outlives it: <see cref="CallRequest.OutlivesCaller"/>). A broken connection is told apart from an OOM kill by the
/// removed container's exit (<see cref="IFnContainer.WaitForExitAsync"/>), and a container that exited of its own
/// accord is named with its exit code: it is given a short grace to exit before the kill, since a process that ends
/// through its runtime's exit closes the connection first. It holds no state of its own.
/// </summary>
internal sealed class CallDispatcher
{
    // 128 + SIGKILL: the exit of a container the removal killed (docker kill, runc kill KILL).
    private const long RemovalKillExitCode = 137;

    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _exitGrace;

    /// <param name="metrics">The runner's metrics.</param>
    /// <param name="time">The runner's clock (the fn's timeout, the exit grace).</param>
    /// <param name="logger">The runner's log.</param>
    /// <param name="exitGrace">How long a container whose connection broke may take to exit on its own before the kill (<see cref="AgentOptions.ExitGraceMs"/>).</param>
    public CallDispatcher(AgentMetrics metrics, TimeProvider time, ILogger logger, TimeSpan exitGrace)
    {
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _exitGrace = exitGrace;
    }

    /// <summary>
    /// Runs <paramref name="call"/> in <paramref name="container"/>, lent by <paramref name="owner"/>, which
    /// the call had as <paramref name="kind"/> (a paused container thawed here makes a warm call
    /// <see cref="StartKind.Thawed"/>). On success the result holds the open answer and gives the container
    /// back when disposed; every other outcome has given it back already.
    /// </summary>
    /// <exception cref="CallCancelledException"><paramref name="cancellationToken"/> ended the call in its container (the container is killed), unless the call <see cref="CallRequest.OutlivesCaller"/>.</exception>
    public async Task<CallResult> RunAsync(HotContainer container, StartKind kind, CallRequest call, IContainerOwner owner, CancellationToken cancellationToken)
    {
        var (thawFailure, thawed) = await ThawAsync(container);
        if (thawFailure is { } failure)
        {
            // Its state unknown, the container goes (on an engine that does not answer, its removal is retried once it does).
            Record(call, await owner.ReleaseAsync(container, kill: true, measured: true), failure);
            return failure == CallStatus.EngineUnavailable ? CallResult.EngineUnavailable(EngineBackoff.Max) : CallResult.Failed(failure, CallErrors.ReceiveFailed);
        }

        kind = StartKinds.AfterThaw(kind, thawed);
        var phases = kind is StartKind.Cold or StartKind.Prewarmed ? container.StartPhases : null;
        _metrics.StartKinds.Add(1, AgentMetrics.Fn(call.Fn.Id), new("kind", AgentMetrics.Label(kind)));
        var timeout = TimeSpan.FromSeconds(call.Fn.Timeout);
        var assigned = _time.GetUtcNow();
        var execution = new CallExecution(container.Container, call.CallId, assigned) { StartKind = kind, StartPhases = phases };
        var deadline = assigned + timeout;
        var timeoutSource = new CancellationTokenSource(timeout, _time);
        // A call that outlives its caller is bounded by the fn's timeout alone once it reached its container.
        var linked = CancellationTokenSource.CreateLinkedTokenSource(call.OutlivesCaller ? CancellationToken.None : cancellationToken, timeoutSource.Token);
        HttpResponseMessage response;
        var dispatchSpan = AgentTracing.Start("fnsharp.dispatch", call.Fn.Id, call.CallId);
        dispatchSpan?.SetTag("container_id", container.Container.Id);
        dispatchSpan?.SetTag("fnsharp.start_kind", AgentMetrics.Label(kind));
        if (phases is not null)
        {
            AgentTracing.TagPhases(dispatchSpan, phases);
        }

        try
        {
            response = await container.Client.SendAsync(call.CallId, deadline, call.Headers, call.Body, call.ContentLength, linked.Token);
            dispatchSpan?.SetTag("http.response.status_code", (int)response.StatusCode);
        }
        catch (Exception e) when (e is not OutOfMemoryException && dispatchSpan is not null && Fail(dispatchSpan, e))
        {
            // Never runs: Fail returns false so that the handlers below see the exception.
            throw;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            RunnerLog.CallTimedOut(_logger, call.CallId, call.Fn.Id, call.Fn.Timeout);
            return await EndAsync(CallResult.Failed(CallStatus.TimedOut, CallErrors.TimedOut), kill: true);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away mid-call: the container's state is unknown, so it goes. The caller
            // still learns where the call ran, for its record and its output.
            await EndAsync(null, kill: true);
            throw new CallCancelledException(execution, cancellationToken, e);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // A cancellation here comes from the container's removal (shutdown) cutting the connection.
            // The container goes either way; once removed, its exit tells an OOM kill from a broken connection.
            Dispose(linked, timeoutSource);
            await ExitGraceAsync(container);
            var elapsed = await owner.ReleaseAsync(container, kill: true, measured: true);
            var exit = ExitOf(container);
            var status = BrokenConnectionOutcome(exit);
            var exitCode = OwnExitCode(exit);
            if (status == CallStatus.OutOfMemory)
            {
                RunnerLog.OutOfMemory(_logger, call.CallId, call.Fn.Id, call.Fn.Memory);
            }
            else if (exitCode is { } code)
            {
                // The exit says why the answer broke off: the connection's exception and its stack would add nothing.
                RunnerLog.ExitedDuringCall(_logger, call.CallId, call.Fn.Id, code);
            }
            else
            {
                RunnerLog.ReceiveFailed(_logger, e, call.CallId, call.Fn.Id);
            }

            Record(call, elapsed, status);
            var result = status == CallStatus.ReceiveFailed ? CallResult.Failed(status, CallErrors.ReceiveFailedExited(exitCode)) : Failed(status);
            return result.WithExecution(execution);
        }
        finally
        {
            dispatchSpan?.Dispose();
        }

        var (answered, kill) = AnswerOutcome((int)response.StatusCode);
        if (answered != CallStatus.Success)
        {
            response.Dispose();
            return await EndAsync(Failed(answered), kill);
        }

        var timedOut = 0;
        var registration = timeoutSource.Token.Register(() =>
        {
            // The fn's timeout also bounds the streaming of the body: cut it off.
            Volatile.Write(ref timedOut, 1);
            response.Dispose();
        });
        return CallResult.Succeeded(response, async abandoned =>
        {
            await registration.DisposeAsync();
            Dispose(linked, timeoutSource);
            var expired = Volatile.Read(ref timedOut) == 1;
            var elapsed = await owner.ReleaseAsync(container, kill: expired || abandoned, measured: true);
            Record(call, elapsed, expired ? CallStatus.TimedOut : CallStatus.Success);
        }).WithExecution(execution);

        async Task<CallResult> EndAsync(CallResult? result, bool kill)
        {
            Dispose(linked, timeoutSource);
            var elapsed = await owner.ReleaseAsync(container, kill, measured: result is not null);
            if (result is not null)
            {
                Record(call, elapsed, result.Status);
            }

            return result?.WithExecution(execution)!;
        }
    }

    /// <summary>
    /// The outcome of an answer by its HTTP status (pure): 200 is the function's success and 502 its failure,
    /// both keeping the container; 504 is a timeout and anything else an invalid response, both killing it.
    /// </summary>
    public static (CallStatus Status, bool Kill) AnswerOutcome(int statusCode) => statusCode switch
    {
        200 => (CallStatus.Success, false),
        502 => (CallStatus.FunctionFailed, false),
        504 => (CallStatus.TimedOut, true),
        _ => (CallStatus.InvalidResponse, true),
    };

    /// <summary>The outcome of a broken connection (pure): out of memory when the container's exit says the kernel killed it for that, else a failed receive.</summary>
    public static CallStatus BrokenConnectionOutcome(ContainerExit? exit) =>
        exit is { OomKilled: true } ? CallStatus.OutOfMemory : CallStatus.ReceiveFailed;

    /// <summary>
    /// The exit code a container ended with of its own accord during a call (pure): a crash or its process returning,
    /// the exit a user can act on. <see langword="null"/> when the exit is not known, was assumed (the engine lost),
    /// was an OOM kill (its own outcome), or is 137, the SIGKILL of the removal that follows every broken connection
    /// (both drivers kill with it), which the container would have had from the node, not from itself.
    /// </summary>
    public static long? OwnExitCode(ContainerExit? exit) =>
        exit is { OomKilled: false, EngineLost: false, ExitCode: >= 0 and <= 255 and not RemovalKillExitCode } ? exit.ExitCode : null;

    private static CallResult Failed(CallStatus status) => status switch
    {
        CallStatus.FunctionFailed => CallResult.Failed(status, CallErrors.FunctionFailed),
        CallStatus.TimedOut => CallResult.Failed(status, CallErrors.TimedOut),
        CallStatus.OutOfMemory => CallResult.Failed(status, CallErrors.OutOfMemory),
        CallStatus.ReceiveFailed => CallResult.Failed(status, CallErrors.ReceiveFailed),
        _ => CallResult.Failed(CallStatus.InvalidResponse, CallErrors.InvalidResponse),
    };

    /// <summary>
    /// Waits up to the exit grace for <paramref name="container"/>, whose connection broke, to exit on its own: .NET's
    /// <c>Environment.Exit</c> stops the web host (closing the call's connection) before the process ends, and the
    /// removal's kill would otherwise come first and hide the exit code. Returns at once when the exit is known.
    /// </summary>
    private async Task ExitGraceAsync(HotContainer container)
    {
        if (_exitGrace <= TimeSpan.Zero || container.Container.WaitForExitAsync(CancellationToken.None) is not { IsCompleted: false } exit)
        {
            return;
        }

        using var grace = new CancellationTokenSource(_exitGrace, _time);
        try
        {
            await exit.WaitAsync(grace.Token);
        }
        catch (OperationCanceledException) when (grace.IsCancellationRequested)
        {
            // Still running after the grace: the removal kills it.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The driver could not tell the exit: the removal's own account decides.
        }
    }

    /// <summary>How a removed container ended, as its driver reports it; <see langword="null"/> if the driver does not know.</summary>
    private static ContainerExit? ExitOf(HotContainer container) =>
        container.Container.WaitForExitAsync(CancellationToken.None) is { IsCompletedSuccessfully: true } exit ? exit.Result : null;

    private static bool Fail(Activity span, Exception e)
    {
        span.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
        return false;
    }

    private static void Dispose(CancellationTokenSource linked, CancellationTokenSource timeoutSource)
    {
        linked.Dispose();
        timeoutSource.Dispose();
    }

    /// <summary>
    /// Unpauses a container taken from the idle stack if it was paused: why it cannot serve (<see langword="null"/> when it
    /// can): <see cref="CallStatus.EngineUnavailable"/> when the engine does not answer (503, not the function's fault), else
    /// <see cref="CallStatus.ReceiveFailed"/>; and whether it was thawed.
    /// </summary>
    private async Task<(CallStatus? Failure, bool Thawed)> ThawAsync(HotContainer container)
    {
        if (container.TakePause() is not { } pause)
        {
            return (null, false);
        }

        if (!await pause)
        {
            return (null, false);
        }

        try
        {
            await container.Container.UnpauseAsync(CancellationToken.None);
            return (null, true);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            RunnerLog.PauseFailed(_logger, e, container.Container.Id);
            return (e is ContainerStartException { Error: ContainerStartError.EngineUnavailable } ? CallStatus.EngineUnavailable : CallStatus.ReceiveFailed, false);
        }
    }

    private void Record(CallRequest call, TimeSpan elapsed, CallStatus status) =>
        _metrics.ExecutionDuration.Record(elapsed.TotalSeconds, AgentMetrics.Fn(call.Fn.Id), new("status", AgentMetrics.Label(status)));
}
