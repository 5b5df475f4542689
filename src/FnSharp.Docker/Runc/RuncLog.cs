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

    [LoggerMessage(3103, LogLevel.Information, "Unpacked image {Image} ({ImageId}, {SizeMiB:0.0} MiB) as a root filesystem for runc in {ElapsedMs:0} ms")]
    public static partial void Unpacked(ILogger logger, string image, string imageId, double sizeMiB, double elapsedMs);

    [LoggerMessage(3104, LogLevel.Information, "Fn containers run on runc ({Runc}), state in {StateDir}")]
    public static partial void Started(ILogger logger, string runc, string stateDir);

    [LoggerMessage(3105, LogLevel.Warning, "runc {Command} of container {ContainerId} failed: {Error}")]
    public static partial void CommandFailed(ILogger logger, string command, string containerId, string error);

    [LoggerMessage(3106, LogLevel.Information, "Root filesystem clean-up: the image(s) unpacked for runc ({Count}) take {SizeMiB:0} MiB, over FN_IMAGE_CLEAN_MAX_SIZE ({MaxMiB:0} MiB)")]
    public static partial void RootfsOverBudget(ILogger logger, int count, double sizeMiB, double maxMiB);

    [LoggerMessage(3107, LogLevel.Information, "Root filesystem clean-up removed image {Image} ({ImageId}, {SizeMiB:0.0} MiB) unpacked for runc: the least recently used, unused since {LastUsed:O}, while the unpacked images took {TotalMiB:0} MiB, over FN_IMAGE_CLEAN_MAX_SIZE ({MaxMiB:0} MiB)")]
    public static partial void RootfsRemoved(ILogger logger, string image, string imageId, double sizeMiB, DateTimeOffset lastUsed, double totalMiB, double maxMiB);

    [LoggerMessage(3108, LogLevel.Information, "Root filesystem clean-up kept image {Image} ({ImageId}, {SizeMiB:0.0} MiB) unpacked for runc: a container uses it")]
    public static partial void RootfsInUse(ILogger logger, string image, string imageId, double sizeMiB);

    [LoggerMessage(3109, LogLevel.Information, "Removed {Directory}, an unpack or a removal of a root filesystem that an earlier run of this node left half done")]
    public static partial void UnfinishedRemoved(ILogger logger, string directory);

    [LoggerMessage(3110, LogLevel.Warning, "Could not record the use of the root filesystem in {Directory}; the clean-up takes its last use as earlier")]
    public static partial void UseNotRecorded(ILogger logger, Exception exception, string directory);
}
