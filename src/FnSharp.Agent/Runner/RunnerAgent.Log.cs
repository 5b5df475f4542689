using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner;

public sealed partial class RunnerAgent
{
    // Event ids 2000-2099 belong to the agent: 2020-2039 to the agent as a whole.
    [LoggerMessage(2020, LogLevel.Information, "Runner ready: {TotalMemoryMiB} MiB for containers, {MilliCpus} milli-CPUs, at most {MaxOps} container operations at once")]
    private static partial void LogResources(ILogger logger, long totalMemoryMiB, long milliCpus, int maxOps);

    [LoggerMessage(2022, LogLevel.Warning, "Could not remove container {ContainerId}")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string containerId);

    [LoggerMessage(2023, LogLevel.Information, "Runner stopping: {Running} call(s) running, {Containers} container(s)")]
    private static partial void LogShuttingDown(ILogger logger, int running, int containers);

    [LoggerMessage(2024, LogLevel.Warning, "Shutdown grace period over with {Running} call(s) still running; their containers are killed")]
    private static partial void LogGraceOver(ILogger logger, int running);

    [LoggerMessage(2025, LogLevel.Information, "Runner stopped; removed {Count} container(s)")]
    private static partial void LogShutDown(ILogger logger, int count);

    // 2040-2049: refused calls, one line each naming the limit and the fn.
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
