using FnSharp.Agent.Drivers;
using FnSharp.Docker;

namespace FnSharp.Server.Hosting;

/// <summary>
/// At start-up, after the socket directories' root is known to be usable: takes this node's name for this server alone on
/// the host (<see cref="NodeLock"/>), held until the server stops; a second server started under the same
/// <c>FN_NODE_NAME</c> (two servers on one host with the default, the host's name) is refused, naming the first's process
/// and the setting, instead of removing the first's containers as its leftovers and orphans.
/// </summary>
internal sealed partial class NodeLockStartup(IContainerDriver driver, IOptions<DockerDriverOptions> docker, ILogger<NodeLockStartup> logger) : IStartupCheck, IDisposable
{
    private NodeLock? _lock;

    public Task CheckAsync(CancellationToken cancellationToken)
    {
        // A driver of a test's own has no containers of a node to sweep.
        if (driver is not NodeContainerDriver nodeDriver)
        {
            return Task.CompletedTask;
        }

        var options = docker.Value;
        int? holder;
        try
        {
            _lock = NodeLock.TryTake(options.IofsRoot, options.Node, out holder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            nodeDriver.Disown();
            throw new OptionsValidationException("FN_NODE_NAME", typeof(DockerDriverOptions),
                [$"the lock of node '{options.Node}' in {options.IofsRoot} cannot be taken ({e.Message}); make {NodeLock.PathOf(options.IofsRoot, options.Node)} a file this server's user ({Environment.UserName}) can write, or remove it."]);
        }

        if (_lock is null)
        {
            // The node's containers are the other server's: this one's shutdown must not remove them as its own.
            nodeDriver.Disown();
            var who = holder is { } pid ? $"process {pid}" : "another process";
            throw new OptionsValidationException("FN_NODE_NAME", typeof(DockerDriverOptions),
                [$"another FnSharp server ({who}) runs as node '{options.Node}' on this host (it holds {NodeLock.PathOf(options.IofsRoot, options.Node)}): two servers under one node name remove each other's containers. Stop it, or give this server its own FN_NODE_NAME."]);
        }

        LogTaken(logger, options.Node, _lock.Path);
        return Task.CompletedTask;
    }

    public void Dispose() => _lock?.Dispose();

    // Event ids 1000-1099 belong to the server's hosting.
    [LoggerMessage(1006, LogLevel.Debug, "Node {Node} is this server's on this host (lock {Path})")]
    private static partial void LogTaken(ILogger logger, string node, string path);
}
