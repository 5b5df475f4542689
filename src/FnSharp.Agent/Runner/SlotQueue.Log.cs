using FnSharp.Agent.Drivers;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner;

internal sealed partial class SlotQueue
{
    // Event ids 2000-2099 belong to the agent: 2001-2019 to slot queues.
    [LoggerMessage(2001, LogLevel.Information, "Started container {ContainerId} for fn {FnId} in {ElapsedMs:F0} ms")]
    private static partial void LogContainerStarted(ILogger logger, string containerId, string fnId, double elapsedMs);

    [LoggerMessage(2002, LogLevel.Warning, "Could not start a container for fn {FnId} with image {Image}: {Error}")]
    private static partial void LogContainerStartFailed(ILogger logger, Exception exception, string fnId, string image, ContainerStartError error);

    [LoggerMessage(2004, LogLevel.Debug, "No memory for another container of fn {FnId} ({MemoryMiB} MiB), even after eviction; its calls wait")]
    private static partial void LogNoMemory(ILogger logger, string fnId, long memoryMiB);

    [LoggerMessage(2005, LogLevel.Debug, "Container {ContainerId} of fn {FnId} stopped after its idle timeout")]
    private static partial void LogIdleOut(ILogger logger, string containerId, string fnId);

    [LoggerMessage(2006, LogLevel.Warning, "Could not pause or unpause container {ContainerId}")]
    private static partial void LogPauseFailed(ILogger logger, Exception exception, string containerId);

    [LoggerMessage(2007, LogLevel.Error, "Launching a container for fn {FnId} failed unexpectedly")]
    private static partial void LogLaunchCrashed(ILogger logger, Exception exception, string fnId);
}
