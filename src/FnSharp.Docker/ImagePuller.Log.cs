using Microsoft.Extensions.Logging;

namespace FnSharp.Docker;

internal sealed partial class ImagePuller
{
    // Event ids 3000-3099 belong to the Docker driver; 3010-3019 to image pulls.
    [LoggerMessage(3010, LogLevel.Information, "Image {Image} is not on this host: pulling it")]
    private static partial void LogPulling(ILogger logger, string image);

    [LoggerMessage(3011, LogLevel.Information, "Pulled image {Image}")]
    private static partial void LogPulled(ILogger logger, string image);

    [LoggerMessage(3012, LogLevel.Warning, "Pulling image {Image} failed: {Reason}")]
    private static partial void LogPullFailed(ILogger logger, string image, string reason);
}
