using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Every log line of the Docker driver, in one place so that their event ids stay unique: ids 3000-3099
/// belong to the driver, 3001-3009 to its containers, 3010-3019 to image pulls.
/// </summary>
internal static partial class DockerLog
{
    [LoggerMessage(3001, LogLevel.Information, "Removed container {ContainerId} left by an earlier run")]
    public static partial void LeftoverRemoved(ILogger logger, string containerId);

    [LoggerMessage(3002, LogLevel.Warning, "Could not remove the containers of node {Node} at shutdown")]
    public static partial void RemovalFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(3010, LogLevel.Information, "Image {Image} is not on this host: pulling it")]
    public static partial void Pulling(ILogger logger, string image);

    [LoggerMessage(3011, LogLevel.Information, "Pulled image {Image}")]
    public static partial void Pulled(ILogger logger, string image);

    [LoggerMessage(3012, LogLevel.Warning, "Pulling image {Image} failed: {Reason}")]
    public static partial void PullFailed(ILogger logger, string image, string reason);
}
