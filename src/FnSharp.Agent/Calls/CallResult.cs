using FnSharp.Core.Errors;

namespace FnSharp.Agent.Calls;

/// <summary>
/// The outcome of a call. On <see cref="CallStatus.Success"/> the container's <see cref="Response"/>
/// is open for streaming; disposing the result releases the container for the fn's next call, so
/// the caller disposes it after copying the body out (or calls <see cref="AnswerReadAsync"/> as soon as it
/// read the body whole, before forwarding it).
/// </summary>
public sealed class CallResult : IAsyncDisposable
{
    private Func<bool, ValueTask>? _release;
    private int _abandoned;

    private CallResult(CallStatus status, ApiError? error, HttpResponseMessage? response, Func<bool, ValueTask>? release, TimeSpan? retryAfter)
    {
        Status = status;
        Error = error;
        Response = response;
        _release = release;
        RetryAfter = retryAfter;
    }

    /// <summary>How the call ended.</summary>
    public CallStatus Status { get; }

    /// <summary>The error to answer with, for every status but <see cref="CallStatus.Success"/>.</summary>
    public ApiError? Error { get; }

    /// <summary>The container's response on success; its body is streamed by the caller.</summary>
    public HttpResponseMessage? Response { get; }

    /// <summary>Where and when the call ran, once it reached a container; <see langword="null"/> for calls refused or failed before that.</summary>
    public CallExecution? Execution { get; private set; }

    /// <summary>
    /// What the platform knows of a failure that the function's own output does not show (the driver's account of a
    /// container start that failed: the container, its exit, its last lines of stderr), for the call's log;
    /// <see langword="null"/> otherwise.
    /// </summary>
    public string? FailureLog { get; private init; }

    /// <summary>The limit that refused the call, on <see cref="CallStatus.TooBusy"/>.</summary>
    public Runner.TooBusyLimit? Limit { get; private init; }

    /// <summary>When the client may retry, sent as <c>Retry-After</c> (whole seconds); set on <see cref="CallStatus.TooBusy"/> and <see cref="CallStatus.EngineUnavailable"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>A successful call whose <paramref name="response"/> is still open.</summary>
    /// <param name="response">The container's answer, its body not read yet.</param>
    /// <param name="release">Ends the call when the result is disposed; its argument says whether the caller abandoned the answer.</param>
    public static CallResult Succeeded(HttpResponseMessage response, Func<bool, ValueTask> release) =>
        new(CallStatus.Success, null, response, release, null);

    /// <summary>A failed call, answered with <paramref name="error"/>.</summary>
    public static CallResult Failed(CallStatus status, ApiError error) => new(status, error, null, null, null);

    /// <summary>A failed call, answered with <paramref name="error"/>, whose log is <paramref name="failureLog"/> (see <see cref="FailureLog"/>).</summary>
    public static CallResult Failed(CallStatus status, ApiError error, string? failureLog) => new(status, error, null, null, null) { FailureLog = failureLog };

    /// <summary>A call refused for lack of capacity: 503 <c>Timed out - server too busy</c> with <c>Retry-After</c>.</summary>
    public static CallResult TooBusy(TimeSpan retryAfter) => new(CallStatus.TooBusy, CallErrors.TooBusy, null, null, retryAfter);

    /// <summary>A call that found the container engine unreachable: 503 <see cref="CallErrors.EngineUnavailable"/> with <c>Retry-After</c>.</summary>
    public static CallResult EngineUnavailable(TimeSpan retryAfter) => new(CallStatus.EngineUnavailable, CallErrors.EngineUnavailable, null, null, retryAfter);

    /// <summary>
    /// A call refused by <paramref name="limit"/>: 503 <c>Timed out - server too busy</c> with <c>Retry-After</c>,
    /// the body's <c>reason</c> the limit's label and its <c>detail</c> <paramref name="detail"/>.
    /// </summary>
    public static CallResult TooBusy(TimeSpan retryAfter, Runner.TooBusyLimit limit, string detail) =>
        new(CallStatus.TooBusy, CallErrors.TooBusy with { Reason = Runner.AgentMetrics.Label(limit), Detail = detail }, null, null, retryAfter)
        {
            Limit = limit,
        };

    /// <summary>Sets <see cref="Execution"/>; the agent calls this once, before handing the result out.</summary>
    internal CallResult WithExecution(CallExecution execution)
    {
        Execution = execution;
        return this;
    }

    /// <summary>
    /// Says that the caller did not take the whole answer (it was over the response size limit, or the
    /// client went away): the container may still be writing it, so disposing the result kills the
    /// container instead of reusing it.
    /// </summary>
    public void Abandon() => Volatile.Write(ref _abandoned, 1);

    /// <summary>
    /// Ends the call in its container once its answer's body was read whole from the container, before the caller
    /// forwards it: the container goes back to its fn's queue for the next call (kept, or killed if the fn's timeout
    /// cut the answer off), so that forwarding to a slow client is not on the container's path from call to call.
    /// As Fn's agent does, which frees the slot once the answer is in its buffer. Disposing the result afterwards
    /// disposes the response only. Does nothing once the container was given back.
    /// </summary>
    public async ValueTask AnswerReadAsync()
    {
        if (Interlocked.Exchange(ref _release, null) is { } release)
        {
            await release(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Response?.Dispose();
        if (Interlocked.Exchange(ref _release, null) is { } release)
        {
            await release(Volatile.Read(ref _abandoned) == 1);
        }
    }
}
