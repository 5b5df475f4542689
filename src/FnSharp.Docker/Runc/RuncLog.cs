using Microsoft.Extensions.Logging;

namespace FnSharp.Docker.Runc;

/// <summary>Every log line of the runc driver: event ids 3100-3119 (the Docker driver's are 3000-3099).</summary>
internal static partial class RuncLog
{
    [LoggerMessage(3100, LogLevel.Information, "Removed runc container {ContainerId} left by an earlier run")]
    public static partial void LeftoverRemoved(ILogger logger, string containerId);

    [LoggerMessage(3101, LogLevel.Warning, "Removed runc container {ContainerId}, which no container of this driver stands for")]
    public static partial void OrphanRemoved(ILogger logger, string containerId);

    [LoggerMessage(3102, LogLevel.Warning, "Could not remove all the runc containers (or the engine's unpack containers) of node {Node}; the next start tries again")]
    public static partial void RemovalFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(3103, LogLevel.Information, "Unpacked image {ImageId} as a root filesystem for runc in {ElapsedMs:0} ms")]
    public static partial void Unpacked(ILogger logger, string imageId, double elapsedMs);

    [LoggerMessage(3104, LogLevel.Information, "Fn containers run on runc ({Runc}), state in {StateDir}")]
    public static partial void Started(ILogger logger, string runc, string stateDir);

    [LoggerMessage(3105, LogLevel.Warning, "runc {Command} of container {ContainerId} failed: {Error}")]
    public static partial void CommandFailed(ILogger logger, string command, string containerId, string error);
}
