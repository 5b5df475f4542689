using FnSharp.Agent.Calls;
using FnSharp.Server.Calls;

namespace FnSharp.Server.Invocation;

/// <summary>
/// Runs one call for both paths, the synchronous one (<see cref="CallServer"/>, for <c>/invoke</c> and
/// <c>/t</c>) and the detached one (<see cref="Detached.DetachedCallWorker"/>): submits it to the agent,
/// takes its answer within <c>FN_MAX_RESPONSE_SIZE</c> into the caller's stream (the client's response,
/// or nowhere for a detached call), and says how it ended (<see cref="CallOutcome"/>, which makes the
/// stored record). An answer read whole before anything is sent (one within the hold-back, arrived already when
/// there is no limit: <see cref="LimitedBodyCopier"/>) gives its container back to the fn before the caller is
/// answered, as Fn's agent does, so that forwarding to the client is off the path of the container's next call; a
/// longer or streamed answer keeps its container until the caller has taken it all. The call's output becomes its
/// log afterwards: through <see cref="CollectLogAsync"/> for a detached call, through <see cref="CallRecorder"/>'s
/// batches behind the synchronous path.
/// </summary>
internal sealed class CallExecutor(IAgent agent, IOptions<ServerOptions> options, TimeProvider time)
{
    /// <summary>502: the function's answer was over <c>FN_MAX_RESPONSE_SIZE</c> (Fn's message).</summary>
    public static readonly ApiError ResponseTooLarge = new(502, "function response body too large");

    /// <summary>Runs <paramref name="request"/> and copies its answer's body to <paramref name="destination"/>.</summary>
    /// <param name="request">The call.</param>
    /// <param name="destination">Where the answer's body goes (<see cref="Stream.Null"/> to read it to its end and keep none).</param>
    /// <param name="start">
    /// Commits the answer's status and headers before its first byte and returns the status the caller
    /// sees; <see langword="null"/> when nothing is committed (the status is then 200).
    /// </param>
    /// <param name="cancellationToken">The caller's end: the client going away, or shutdown cutting a detached call off.</param>
    /// <returns>How the call ended; dispose it to free its container.</returns>
    public async Task<CallOutcome> RunAsync(CallRequest request, Stream destination, Func<HttpResponseMessage, int>? start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        CallResult result;
        try
        {
            result = await agent.SubmitAsync(request, cancellationToken);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // A call cut off in its container keeps where it ran (its container, start time and output).
            return CallOutcome.CancelledBeforeAnswer(e);
        }

        if (result.Response is not { } answer)
        {
            return CallOutcome.Unanswered(result);
        }

        var status = StatusCodes.Status200OK;
        // An answer that outlives its caller is read to its end whether the caller stays or not (the fn's timeout bounds it),
        // so that its container is kept: only the writes to the caller end with the caller's token.
        var callerBody = request.OutlivesCaller ? new CallerBody(destination, cancellationToken) : null;
        var readToken = callerBody is null ? cancellationToken : CancellationToken.None;
        try
        {
            // Not disposed here: the outcome disposes the answer with the result, after the caller has answered its client
            // (the container went back as soon as the body was read whole, when it was before anything was sent).
            var body = await answer.Content.ReadAsStreamAsync(readToken);
            var copied = await LimitedBodyCopier.CopyAsync(
                body,
                answer.Content.Headers.ContentLength,
                options.Value.MaxResponseSize,
                options.Value.ResponseHoldBackBytes,
                (Stream?)callerBody ?? destination,
                () =>
                {
                    status = start?.Invoke(answer) ?? status;
                    return Task.CompletedTask;
                },
                result.AnswerReadAsync,
                readToken);
            if (copied != BodyCopyResult.Completed)
            {
                result.Abandon();
            }

            if (callerBody is { CallerLeft: true } && copied == BodyCopyResult.Completed)
            {
                // The client went away: the call is its cancellation, its container kept for the next call.
                return CallOutcome.Broken(result, new OperationCanceledException(cancellationToken), cancelled: true);
            }

            return CallOutcome.Taken(result, copied, status);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The caller went away or the answer broke off: the container's connection is in an unknown state.
            result.Abandon();
            return CallOutcome.Broken(result, e, cancellationToken.IsCancellationRequested);
        }
    }

    /// <summary>
    /// The log of <paramref name="call"/>, from <paramref name="execution"/>'s output once
    /// <c>FN_CALL_LOG_WAIT_MSECS</c> have passed: the engine delivers a container's output a little after
    /// the answer. <paramref name="cancellationToken"/> ends the wait early, with the output that has arrived.
    /// A call that reached no container has the platform's <paramref name="failureLog"/> as its log, when there is one.
    /// </summary>
    /// <returns>The log, or <see langword="null"/> when the call wrote nothing (or reached no container and has no failure log).</returns>
    public async Task<CallLog?> CollectLogAsync(Call call, CallExecution? execution, string? failureLog, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (execution is not null && settings.CallLogWaitMs > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(settings.CallLogWaitMs), time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: the call has ended, and its end is what counts.
            }
        }

        return CallRecords.TakeLog(call, execution, failureLog, settings.MaxLogSizeBytes);
    }
}
