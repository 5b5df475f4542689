using FnSharp.Agent.Calls;

namespace FnSharp.Server.Detached;

/// <summary>
/// What the worker does after an attempt of a detached call (<c>docs/api.md</c>, "Detached calls"):
/// the platform's faults are retried with exponential backoff until the maximum event age, the
/// function's faults only as often as the fn's <c>fnsharp.io/async-retries</c> annotation allows, and a
/// call that can never fit this node is a dead letter at once. Pure: tests drive it directly.
/// </summary>
internal static class DetachedRetryPolicy
{
    /// <summary>The fn annotation naming how often a detached call is retried after a function failure: an integer 0..10 (a number or a numeric string), default 0.</summary>
    public const string RetriesAnnotation = FnSharpAnnotations.AsyncRetries;

    /// <summary>The most retries <see cref="RetriesAnnotation"/> may ask for.</summary>
    public const int MaxRetries = FnSharpAnnotations.MaxAsyncRetries;

    /// <summary>Whose fault an attempt's outcome is, which decides whether and how it is retried.</summary>
    public static DetachedFault Classify(CallStatus status) => status switch
    {
        CallStatus.Success => DetachedFault.None,
        CallStatus.TooBusy or CallStatus.EngineUnavailable => DetachedFault.Busy,
        CallStatus.ContainerInitFailed or CallStatus.ContainerInitTimedOut or CallStatus.NodeFault => DetachedFault.Platform,

        // A missing image is the fn's configuration (most often a typo), not a passing fault: retrying it for
        // FN_ASYNC_MAX_EVENT_AGE_SECS would only hide it.
        CallStatus.ImageNotFound or CallStatus.FunctionFailed or CallStatus.InvalidResponse or CallStatus.ReceiveFailed or CallStatus.TimedOut or CallStatus.OutOfMemory => DetachedFault.Function,

        // A fn removed while its call was claimed: its calls went with it, so the call's end finds no row to write.
        CallStatus.FnRemoved => DetachedFault.Permanent,
        _ => DetachedFault.Permanent,
    };

    /// <summary>
    /// The retries <paramref name="fn"/> allows after a function failure, from <see cref="RetriesAnnotation"/>:
    /// 0 when absent; <see langword="null"/> when the value is not an integer from 0 to <see cref="MaxRetries"/>
    /// (the caller logs it and uses 0).
    /// </summary>
    public static int? RetriesOf(Fn fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        return FnSharpAnnotations.AsyncRetriesOf(fn.Annotations);
    }

    /// <summary>
    /// The delay before the next attempt after attempt number <paramref name="attempt"/> (1 for the
    /// first): <see cref="DetachedCallOptions.RetryBaseMs"/> doubled for each attempt before it, capped at
    /// <see cref="DetachedCallOptions.RetryMaxMs"/>, then scaled into its upper half by <paramref name="jitter"/>
    /// (from 0 to 1), so that calls that failed together do not come back together.
    /// </summary>
    public static TimeSpan Backoff(int attempt, double jitter, DetachedCallOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var delayMs = Math.Min((double)options.RetryMaxMs, options.RetryBaseMs * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(delayMs * (0.5 + (0.5 * Math.Clamp(jitter, 0, 1))));
    }

    /// <summary>When the call reaches the maximum event age and stops being tried.</summary>
    public static DateTimeOffset ExpiresAt(Call call, DetachedCallOptions options)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(options);
        return call.CreatedAt + TimeSpan.FromSeconds(options.MaxEventAgeSeconds);
    }

    /// <summary>
    /// The decision after an attempt of <paramref name="call"/> (as claimed: its attempts include this
    /// one) ended with <paramref name="status"/> at <paramref name="now"/>.
    /// </summary>
    /// <param name="call">The call as claimed.</param>
    /// <param name="status">How the attempt ended.</param>
    /// <param name="retries">The retries the fn allows after a function failure (see <see cref="RetriesOf"/>).</param>
    /// <param name="now">The time now.</param>
    /// <param name="jitter">A random number from 0 to 1, for <see cref="Backoff"/>.</param>
    /// <param name="options">The worker's settings.</param>
    public static DetachedDecision Decide(Call call, CallStatus status, int retries, DateTimeOffset now, double jitter, DetachedCallOptions options)
    {
        ArgumentNullException.ThrowIfNull(call);
        var fault = Classify(status);
        switch (fault)
        {
            case DetachedFault.None:
                return DetachedDecision.Complete;
            case DetachedFault.Permanent:
                return DetachedDecision.DeadLetter(DetachedDeadLetterReason.CannotRun);
            case DetachedFault.Function when call.Attempts > retries:
                return DetachedDecision.DeadLetter(DetachedDeadLetterReason.RetriesExhausted);
        }

        var next = now + Backoff(call.Attempts, jitter, options);
        return next > ExpiresAt(call, options)
            ? DetachedDecision.DeadLetter(DetachedDeadLetterReason.MaxEventAge)
            : DetachedDecision.Retry(fault, next, countAttempt: fault != DetachedFault.Busy);
    }
}
