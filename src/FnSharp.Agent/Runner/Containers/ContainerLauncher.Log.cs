using FnSharp.Agent.Drivers;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Containers;

internal sealed partial class ContainerLauncher
{
    // Event ids 2000-2099 belong to the agent; these are the launcher's among 2001-2019.
    [LoggerMessage(2001, LogLevel.Information, "Started container {ContainerId} for fn {FnId} in {ElapsedMs:F0} ms")]
    private static partial void LogContainerStarted(ILogger logger, string containerId, string fnId, double elapsedMs);

    [LoggerMessage(2002, LogLevel.Warning, "Could not start a container for fn {FnId} with image {Image}: {Error}")]
    private static partial void LogContainerStartFailed(ILogger logger, Exception exception, string fnId, string image, ContainerStartError error);

    [LoggerMessage(2004, LogLevel.Debug, "No memory for another container of fn {FnId} ({MemoryMiB} MiB), even after eviction; its calls wait")]
    private static partial void LogNoMemory(ILogger logger, string fnId, long memoryMiB);
}
