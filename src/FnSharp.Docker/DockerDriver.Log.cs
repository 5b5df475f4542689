using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

public sealed partial class DockerDriver
{
    // Event ids 3000-3099 belong to the Docker driver.
    [LoggerMessage(3001, LogLevel.Information, "Removed container {ContainerId} left by an earlier run")]
    private static partial void LogLeftoverRemoved(ILogger logger, string containerId);

    [LoggerMessage(3002, LogLevel.Warning, "Could not remove the containers of node {Node} at shutdown")]
    private static partial void LogRemovalFailed(ILogger logger, Exception exception, string node);
}
