using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Containers;

internal sealed partial class LiveContainers
{
    // Event ids 2000-2099 belong to the agent; 2022 is a removal's.
    [LoggerMessage(2022, LogLevel.Warning, "Could not remove container {ContainerId}")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string containerId);
}
