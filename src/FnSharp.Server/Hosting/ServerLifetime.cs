using FnSharp.Agent.Drivers;
using FnSharp.Agent.Runner;
using FnSharp.Docker;

namespace FnSharp.Server.Hosting;

/// <summary>
/// Start-up and shutdown of the server's state: opens the store, removes containers an earlier run
/// left behind, and on shutdown stops the runner: running calls finish within its grace period,
/// then every container this run started is removed, and the driver removes what of the node is left.
/// </summary>
internal sealed partial class ServerLifetime(
    StoreHolder store,
    IContainerDriver driver,
    RunnerAgent agent,
    IOptions<ServerOptions> options,
    IOptions<DockerDriverOptions> docker,
    IEnumerable<IStartupCheck> checks,
    ILogger<ServerLifetime> logger) : IHostedLifecycleService
{
    private readonly Lock _stopLock = new();
    private Task? _stopped;

    /// <summary>
    /// Opens the store and makes the start-up checks, before any hosted service starts: a refusal then stops the
    /// server with its one plain line, without background services cancelled half-started (each of which the
    /// host would report as a critical failure).
    /// </summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await store.OpenAsync(cancellationToken);
        LogStoreOpened(logger, options.Value.RedactedDbUrl);
        foreach (var check in checks)
        {
            await check.CheckAsync(cancellationToken);
        }
    }

    /// <summary>Removes the containers an earlier run of this node left behind.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var removed = await driver.RemoveLeftoversAsync(cancellationToken);
            LogLeftoversRemoved(logger, removed);
        }
        catch (HttpRequestException e)
        {
            // The API works without Docker; calls will fail with a clear error until it answers.
            LogDockerUnreachable(logger, e, docker.Value.Endpoint);
        }
    }

    /// <summary>
    /// Stops the runner and removes this run's containers, then has the driver remove what of the node is left
    /// (<see cref="IContainerDriver.RemoveAllAsync"/>), so that nothing of the runner or the driver works on the
    /// node's containers or state once the stop returned. The host may call this twice at once (a
    /// test host stops the app while <c>RunAsync</c> stops it too); both calls await the one
    /// shutdown, so neither lets the services be disposed under it. <paramref name="cancellationToken"/>
    /// (the host's shutdown timeout) ends the grace period of running calls early.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_stopLock)
        {
            return _stopped ??= RemoveContainersAsync(cancellationToken);
        }
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task RemoveContainersAsync(CancellationToken cancellationToken)
    {
        // The runner logs what it removed and what it could not (it alone knows).
        await agent.ShutdownAsync(cancellationToken);

        // Here, not at the driver's disposal: the host's disposal of its services may run on the server's own thread
        // (RunAsync's, after its stop) while a second caller of it returns at once. A test host's dispose returned while
        // the runc driver's removal still ran runc, which made the node's state directory again under the test's delete.
        await driver.RemoveAllAsync();
    }

    // Event ids 1000-1099 belong to the server's hosting.
    [LoggerMessage(1001, LogLevel.Information, "Datastore ready at {DbUrl}")]
    private static partial void LogStoreOpened(ILogger logger, string dbUrl);

    [LoggerMessage(1002, LogLevel.Information, "Removed {Count} container(s) left by an earlier run")]
    private static partial void LogLeftoversRemoved(ILogger logger, int count);

    [LoggerMessage(1003, LogLevel.Warning, "The Docker engine at {DockerHost} does not answer; calls will fail until it does. Start it with scripts/ensure-docker.sh")]
    private static partial void LogDockerUnreachable(ILogger logger, Exception exception, string dockerHost);
}
