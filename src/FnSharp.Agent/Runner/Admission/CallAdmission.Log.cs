using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Admission;

internal sealed partial class CallAdmission
{
    // Event ids 2000-2099 belong to the agent: 2040-2049 to refused calls, one line each naming the limit and the fn.
    [LoggerMessage(2040, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: no container within FN_MAX_WAIT_MSECS={MaxWaitMs} ms or the call's deadline")]
    private static partial void LogRefusedWaitTime(ILogger logger, string callId, string fnId, int maxWaitMs);

    [LoggerMessage(2041, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: the fn already has FN_MAX_QUEUED_PER_FN={MaxQueued} calls waiting")]
    private static partial void LogRefusedFnQueue(ILogger logger, string callId, string fnId, int maxQueued);

    [LoggerMessage(2042, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: the node already has FN_MAX_QUEUED_TOTAL={MaxQueued} calls waiting")]
    private static partial void LogRefusedTotalQueue(ILogger logger, string callId, string fnId, int maxQueued);

    [LoggerMessage(2043, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, too busy: the runner is shutting down")]
    private static partial void LogRefusedShuttingDown(ILogger logger, string callId, string fnId);

    [LoggerMessage(2044, LogLevel.Warning, "Call {CallId} of fn {FnId} refused, cannot allocate: it asks {MemoryMiB} MiB and containers may have {TotalMiB} MiB in total")]
    private static partial void LogCannotAllocate(ILogger logger, string callId, string fnId, long memoryMiB, long totalMiB);
}
