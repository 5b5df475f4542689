namespace FnSharp.Server.Detached;

internal sealed partial class DetachedCallWorker
{
    // Event ids 1500-1599 belong to detached calls: 1500-1549 to the worker.
    [LoggerMessage(1500, LogLevel.Information, "Detached calls are not run on this node: FN_ASYNC_MAX_CONCURRENT=0 (it still accepts them)")]
    private static partial void LogWorkerOff(ILogger logger);

    [LoggerMessage(1501, LogLevel.Critical, "Detached calls are not run: the datastore does not keep calls")]
    private static partial void LogNoCallStore(ILogger logger, Exception exception);

    [LoggerMessage(1502, LogLevel.Information, "Gave {Count} detached call(s) that node {Node} was running when it stopped back to the queue")]
    private static partial void LogRecovered(ILogger logger, int count, string node);

    [LoggerMessage(1503, LogLevel.Warning, "Could not give the detached calls of node {Node} back to the queue at start; they run again once their leases end")]
    private static partial void LogRecoverFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(1504, LogLevel.Warning, "Could not claim detached calls; trying again in {PollMs} ms (FN_ASYNC_POLL_MSECS)")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception, long pollMs);

    [LoggerMessage(1505, LogLevel.Debug, "Detached call {CallId} of fn {FnId} claimed for attempt {Attempt}")]
    private static partial void LogClaimed(ILogger logger, string callId, string fnId, int attempt);

    [LoggerMessage(1506, LogLevel.Debug, "Detached call {CallId} of fn {FnId} succeeded on attempt {Attempt}")]
    private static partial void LogCompleted(ILogger logger, string callId, string fnId, int attempt);

    [LoggerMessage(1507, LogLevel.Information, "Detached call {CallId} of fn {FnId}: attempt {Attempt} ended with a {Fault} fault ({Error}); retrying in {DelayMs} ms (attempt counted: {Counted})")]
    private static partial void LogRetry(ILogger logger, string callId, string fnId, int attempt, string fault, string error, long delayMs, bool counted);

    [LoggerMessage(1508, LogLevel.Warning, "Detached call {CallId} of fn {FnId} is a dead letter: attempt {Attempt} failed ({Error}) and the fn allows {Retries} retries ({Annotation})")]
    private static partial void LogDeadLetterRetries(ILogger logger, string callId, string fnId, int attempt, string error, int retries, string annotation);

    [LoggerMessage(1509, LogLevel.Warning, "Detached call {CallId} of fn {FnId} is a dead letter: it reached FN_ASYNC_MAX_EVENT_AGE_SECS={MaxAgeSeconds} after {Attempts} attempt(s) (last error: {Error})")]
    private static partial void LogDeadLetterAge(ILogger logger, string callId, string fnId, int maxAgeSeconds, int attempts, string error);

    [LoggerMessage(1510, LogLevel.Warning, "Detached call {CallId} of fn {FnId} is a dead letter: it can never run on this node ({Error})")]
    private static partial void LogDeadLetterCannotRun(ILogger logger, string callId, string fnId, string error);

    [LoggerMessage(1511, LogLevel.Warning, "Detached call {CallId} ended as an error: its fn {FnId} (or the fn's app) was deleted")]
    private static partial void LogFnDeleted(ILogger logger, string callId, string fnId);

    [LoggerMessage(1512, LogLevel.Warning, "Fn {FnId} has an annotation {Annotation} that is not an integer from 0 to {Max}; its detached calls are not retried after a function failure")]
    private static partial void LogBadRetries(ILogger logger, string fnId, string annotation, int max);

    [LoggerMessage(1513, LogLevel.Warning, "Detached call {CallId} of fn {FnId} answered more than FN_MAX_RESPONSE_SIZE={MaxBytes} bytes; counted as a function failure")]
    private static partial void LogResponseTooLarge(ILogger logger, string callId, string fnId, long maxBytes);

    [LoggerMessage(1514, LogLevel.Error, "The outcome of detached call {CallId} of fn {FnId} could not be stored; it runs again once its lease ends (within {LeaseMs} ms)")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string callId, string fnId, long leaseMs);

    [LoggerMessage(1515, LogLevel.Information, "Detached call {CallId} of fn {FnId} was cut off by shutdown and queued again; the attempt is not counted")]
    private static partial void LogGivenBack(ILogger logger, string callId, string fnId);

    [LoggerMessage(1516, LogLevel.Warning, "Could not renew the leases of {Count} running detached call(s); if this goes on past their leases, other nodes run them again")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(1517, LogLevel.Information, "Stopping: waiting up to {GraceMs} ms (FN_SHUTDOWN_GRACE_MSECS) for {Count} running detached call(s)")]
    private static partial void LogDraining(ILogger logger, int count, long graceMs);

    [LoggerMessage(1518, LogLevel.Warning, "Stopping: cutting off {Count} running detached call(s); they are queued again")]
    private static partial void LogCuttingOff(ILogger logger, int count);

    [LoggerMessage(1519, LogLevel.Warning, "Detached call {CallId} of fn {FnId}: the end of attempt {Attempt} was not stored, because its lease (FN_ASYNC_LEASE_MSECS={LeaseMs}) ran out and another claim took the call; that claim's outcome stands")]
    private static partial void LogLeaseLost(ILogger logger, string callId, string fnId, int attempt, long leaseMs);

    [LoggerMessage(1520, LogLevel.Information, "Detached call {CallId} of fn {FnId} ended on attempt {Attempt} ({Status}) after its fn (or the fn's app) was deleted: nothing of it is stored, as the fn's calls went with it")]
    private static partial void LogRemoved(ILogger logger, string callId, string fnId, int attempt, string status);
}
