using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

/// <summary>
/// Every log line of the Docker driver, in one place so that their event ids stay unique: ids 3000-3099
/// belong to the driver, 3001-3009 to its containers and fn cgroups, 3010-3019 to image pulls, 3020-3029 to the image clean-up.
/// </summary>
internal static partial class DockerLog
{
    [LoggerMessage(3001, LogLevel.Information, "Removed container {ContainerId} left by an earlier run")]
    public static partial void LeftoverRemoved(ILogger logger, string containerId);

    [LoggerMessage(3003, LogLevel.Warning, "Removed container {ContainerId}, which the engine created while its answer never reached the server (the engine was down or did not answer in time)")]
    public static partial void OrphanRemoved(ILogger logger, string containerId);

    [LoggerMessage(3002, LogLevel.Warning, "Could not remove the containers of node {Node} at shutdown")]
    public static partial void RemovalFailed(ILogger logger, Exception exception, string node);

    [LoggerMessage(3004, LogLevel.Warning, "Fns do not get a CPU cgroup of their own, so each container has a CPU weight from its memory and a fn with many containers gets more CPU than one with few: {Reason}")]
    public static partial void FnCgroupsUnavailable(ILogger logger, string reason);

    [LoggerMessage(3010, LogLevel.Information, "Pulling image {Image} from {Registry} with {Credentials}")]
    public static partial void Pulling(ILogger logger, string image, string registry, string credentials);

    [LoggerMessage(3011, LogLevel.Information, "Pulled image {Image} in {ElapsedMs:0} ms")]
    public static partial void Pulled(ILogger logger, string image, double elapsedMs);

    [LoggerMessage(3012, LogLevel.Warning, "Pulling image {Image} failed: {Reason}")]
    public static partial void PullFailed(ILogger logger, string image, string reason);

    [LoggerMessage(3013, LogLevel.Information, "Pulling image {Image}: {LayersDone} of {Layers} layers, {DownloadedMiB:0.0} of {TotalMiB:0.0} MiB downloaded")]
    public static partial void PullProgress(ILogger logger, string image, int layersDone, int layers, double downloadedMiB, double totalMiB);

    [LoggerMessage(3020, LogLevel.Information, "Image clean-up: the image(s) this node pulled ({Count}) take {SizeMiB:0} MiB, over FN_IMAGE_CLEAN_MAX_SIZE ({MaxMiB:0} MiB)")]
    public static partial void CleanupOverBudget(ILogger logger, int count, double sizeMiB, double maxMiB);

    [LoggerMessage(3021, LogLevel.Information, "Image clean-up removed {Image} ({Id}, {SizeMiB:0.0} MiB), unused since {LastUsed:O}")]
    public static partial void CleanupRemoved(ILogger logger, string image, string id, double sizeMiB, DateTimeOffset lastUsed);

    [LoggerMessage(3022, LogLevel.Warning, "Image clean-up could not remove {Image}: {Reason}")]
    public static partial void CleanupFailed(ILogger logger, string image, string reason);
}
