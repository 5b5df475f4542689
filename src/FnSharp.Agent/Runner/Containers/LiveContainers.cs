using System.Collections.Concurrent;
using FnSharp.Agent.Resources;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// The one list of the runner's containers, from creation to removal (the driver keeps none): shutdown
/// removes whatever is left in it. Each container is removed once, through the container operations limit:
/// its protocol client closed, thawed first if paused, killed and removed by its driver, then its memory
/// released; the runner hears of each removal after that.
/// </summary>
internal sealed class LiveContainers
{
    private readonly ConcurrentDictionary<HotContainer, byte> _live = new();
    private readonly ContainerOpsLimiter _ops;
    private readonly ResourceTracker _tracker;
    private readonly ILogger _logger;
    private readonly IRunnerObserver _observer;
    private readonly Action<HotContainer> _removed;

    /// <summary>Creates the list.</summary>
    /// <param name="ops">The bound on container operations in flight.</param>
    /// <param name="tracker">Where a removed container's memory goes back.</param>
    /// <param name="logger">Logs removals that failed.</param>
    /// <param name="observer">Hears each container added and removed.</param>
    /// <param name="removed">Runs after each removal, its memory released; never throws.</param>
    public LiveContainers(ContainerOpsLimiter ops, ResourceTracker tracker, ILogger logger, IRunnerObserver observer, Action<HotContainer> removed)
    {
        _ops = ops;
        _tracker = tracker;
        _logger = logger;
        _observer = observer;
        _removed = removed;
    }

    /// <summary>How many containers are live (created and not yet removed).</summary>
    public int Count => _live.Count;

    /// <summary>Adds a container just created.</summary>
    public void Add(HotContainer container)
    {
        _live.TryAdd(container, 0);
        _observer.ContainerAdded();
    }

    /// <summary>The containers live now.</summary>
    public IReadOnlyList<HotContainer> Snapshot() => [.. _live.Keys];

    /// <summary>Removes <paramref name="container"/> once; every caller gets the one removal's task, which never throws.</summary>
    public Task RemoveAsync(HotContainer container) => container.RemoveOnce(RemoveCoreAsync);

    private async Task RemoveCoreAsync(HotContainer container)
    {
        try
        {
            container.Client.Dispose();
            if (container.TakePause() is { } pause && await pause)
            {
                await ThawBeforeRemovalAsync(container);
            }

            await _ops.RunAsync(() => container.Container.RemoveAsync(CancellationToken.None), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            RunnerLog.RemoveFailed(_logger, e, container.Container.Id);
        }
        finally
        {
            _tracker.Release(container.MemoryMiB, container.AsyncPool);
            _live.TryRemove(container, out _);
        }

        _observer.ContainerRemoved();
        _removed(container);
    }

    private async Task ThawBeforeRemovalAsync(HotContainer container)
    {
        try
        {
            // Killing a frozen container is not reliable on every engine: thaw it first.
            await container.Container.UnpauseAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            RunnerLog.RemoveFailed(_logger, e, container.Container.Id);
        }
    }
}
