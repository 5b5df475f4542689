using FnSharp.Agent.Drivers;
using FnSharp.Docker;
using FnSharp.Docker.Runc;

namespace FnSharp.Server.Hosting;

/// <summary>
/// At start-up, before the server listens: the containers' socket directories can be made under
/// <c>FN_IOFS_PATH</c> (<see cref="SocketDirectories.Problem"/>), else the server refuses to start, naming the
/// directory, its user and the fix. Without it a root another user made (a <c>/tmp/fnsharp-iofs</c> left by a
/// server run as root, say) failed every container start, each answered as the function's 502.
/// </summary>
internal sealed partial class SocketDirectoryStartup(IContainerDriver driver, IOptions<DockerDriverOptions> docker, ILogger<SocketDirectoryStartup> logger) : IStartupCheck
{
    public Task CheckAsync(CancellationToken cancellationToken)
    {
        // A driver of a test's own makes no socket directories.
        if (driver is not (DockerDriver or RuncDriver))
        {
            return Task.CompletedTask;
        }

        var root = docker.Value.IofsRoot;
        if (SocketDirectories.Problem(root) is { } problem)
        {
            throw new OptionsValidationException(SocketDirectories.Setting, typeof(DockerDriverOptions), [problem + "."]);
        }

        LogUsable(logger, root);
        return Task.CompletedTask;
    }

    // Event ids 1000-1099 belong to the server's hosting.
    [LoggerMessage(1004, LogLevel.Debug, "Containers' socket directories go under {Root} (FN_IOFS_PATH)")]
    private static partial void LogUsable(ILogger logger, string root);
}
