using System.Runtime.ExceptionServices;
using FnSharp.Agent.Calls;
using FnSharp.Server.Calls;

namespace FnSharp.Server.Invocation;

/// <summary>
/// How one call run by <see cref="CallExecutor"/> ended, for the synchronous and the detached path alike.
/// It holds the call's container until it is disposed: the synchronous path answers its client first
/// (an error body, a cut connection), the detached path disposes it at once.
/// </summary>
internal sealed class CallOutcome : IAsyncDisposable
{
    private readonly CallResult? _result;

    private CallOutcome(CallResult? result) => _result = result;

    /// <summary>How the call ended in the agent, or <see cref="CallStatus.InvalidResponse"/> for an answer over <c>FN_MAX_RESPONSE_SIZE</c> and <see cref="CallStatus.ReceiveFailed"/> for one that broke off.</summary>
    public CallStatus Status { get; private init; }

    /// <summary>The error the call ended with; <see langword="null"/> for a success or a cancellation.</summary>
    public ApiError? Error { get; private init; }

    /// <summary>Where and when the call ran, once it reached a container.</summary>
    public CallExecution? Execution { get; private init; }

    /// <summary>What the platform knows of a failure before the call reached a container, for its log (<see cref="CallResult.FailureLog"/>).</summary>
    public string? FailureLog => _result?.FailureLog;

    /// <summary>When the caller may try again (<see cref="CallStatus.TooBusy"/>).</summary>
    public TimeSpan? RetryAfter => _result?.RetryAfter;

    /// <summary>Whether the function answered: its body was taken (<see cref="Copied"/> says how far).</summary>
    public bool Answered => _result?.Response is not null;

    /// <summary>How taking the answer's body ended; <see langword="null"/> without an answer, or when it failed (<see cref="Failure"/>).</summary>
    public BodyCopyResult? Copied { get; private init; }

    /// <summary>The status the caller's side committed for a successful answer (a trigger's <c>Fn-Http-Status</c>); 200 otherwise.</summary>
    public int SuccessStatus { get; private init; } = StatusCodes.Status200OK;

    /// <summary>Whether the caller's token ended the call (the client went away, or shutdown cut a detached call off).</summary>
    public bool Cancelled { get; private init; }

    /// <summary>What ended the call early: the cancellation, or the failure of its answer on the way (<see cref="CallStatus.ReceiveFailed"/>).</summary>
    public ExceptionDispatchInfo? Failure { get; private init; }

    /// <summary>A call the agent ended without an answer (refused, failed, or the function failed).</summary>
    public static CallOutcome Unanswered(CallResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result) { Status = result.Status, Error = result.Error, Execution = result.Execution };
    }

    /// <summary>A call the caller's token ended while it waited in the agent or ran in its container.</summary>
    public static CallOutcome CancelledBeforeAnswer(OperationCanceledException exception) =>
        new(null) { Status = CallStatus.ReceiveFailed, Execution = (exception as CallCancelledException)?.Execution, Cancelled = true, Failure = ExceptionDispatchInfo.Capture(exception) };

    /// <summary>A call whose answer's body was taken as <paramref name="copied"/>; an answer over the limit is the function's failure, with Fn's message.</summary>
    public static CallOutcome Taken(CallResult result, BodyCopyResult copied, int successStatus)
    {
        ArgumentNullException.ThrowIfNull(result);
        return copied == BodyCopyResult.Completed
            ? new(result) { Status = result.Status, Error = result.Error, Execution = result.Execution, Copied = copied, SuccessStatus = successStatus }
            : new(result) { Status = CallStatus.InvalidResponse, Error = CallExecutor.ResponseTooLarge, Execution = result.Execution, Copied = copied };
    }

    /// <summary>A call whose answer <paramref name="exception"/> broke off: cancelled when <paramref name="cancelled"/> (the caller's end), else <see cref="CallErrors.ReceiveFailed"/>.</summary>
    public static CallOutcome Broken(CallResult result, Exception exception, bool cancelled)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result) { Status = CallStatus.ReceiveFailed, Error = cancelled ? null : CallErrors.ReceiveFailed, Execution = result.Execution, Cancelled = cancelled, Failure = ExceptionDispatchInfo.Capture(exception) };
    }

    /// <summary>
    /// <paramref name="call"/> as it ended at <paramref name="completedAt"/>: status (<c>cancelled</c>, or
    /// success, timeout or error from <see cref="Status"/>), status code, error, and the start time,
    /// container and image digest of this attempt (absent when it reached none: a detached call's claim is not its start),
    /// and how it had its container (<see cref="CallRecords.WithStart"/>).
    /// </summary>
    public Call Record(Call call, DateTimeOffset completedAt)
    {
        ArgumentNullException.ThrowIfNull(call);
        return CallRecords.WithStart(call, Execution, completedAt) with
        {
            Status = Cancelled ? CallStates.Cancelled : CallRecords.StateOf(Status),
            StatusCode = Cancelled ? null : Error?.Status ?? SuccessStatus,
            Error = Error?.Message,
            StartedAt = Execution?.StartedAt,
            ContainerId = Execution?.ContainerId,
            ImageDigest = Execution?.ImageDigest,
            CompletedAt = completedAt,
            NextAttemptAt = null,
        };
    }

    /// <summary>Ends the call in the agent: its container goes back to the fn's queue, or is killed when its answer was not taken whole.</summary>
    public ValueTask DisposeAsync() => _result?.DisposeAsync() ?? ValueTask.CompletedTask;
}
