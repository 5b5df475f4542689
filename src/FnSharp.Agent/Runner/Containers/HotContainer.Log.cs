using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Containers;

internal sealed partial class HotContainer
{
    // Event ids 2000-2099 belong to the agent; 2006 is a container's pause or thaw.
    [LoggerMessage(2006, LogLevel.Warning, "Could not pause or unpause container {ContainerId}")]
    private static partial void LogPauseFailed(ILogger logger, Exception exception, string containerId);
}
