using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Dispatch;

internal sealed partial class CallDispatcher
{
    // Event ids 2000-2099 belong to the agent; these are the dispatcher's among 2001-2019.
    [LoggerMessage(2003, LogLevel.Warning, "Call {CallId} of fn {FnId} got no readable response from its container")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string callId, string fnId);

    [LoggerMessage(2006, LogLevel.Warning, "Could not pause or unpause container {ContainerId}")]
    private static partial void LogUnpauseFailed(ILogger logger, Exception exception, string containerId);

    [LoggerMessage(2008, LogLevel.Information, "Call {CallId} of fn {FnId} exceeded its timeout of {TimeoutSeconds} s; its container is killed")]
    private static partial void LogCallTimedOut(ILogger logger, string callId, string fnId, int timeoutSeconds);

    [LoggerMessage(2009, LogLevel.Information, "Call {CallId} of fn {FnId} ran out of its {MemoryMiB} MiB; its container was killed")]
    private static partial void LogOutOfMemory(ILogger logger, string callId, string fnId, int memoryMiB);
}
