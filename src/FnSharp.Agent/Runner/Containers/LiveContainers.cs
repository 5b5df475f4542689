using System.Collections.Concurrent;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Resources;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// The one list of the runner's containers, from creation to removal (the driver keeps none): shutdown
/// removes whatever is left in it. Each container is removed once, through the container operations limit:
/// its protocol client closed, thawed first if paused, killed and removed by its driver, then its memory
/// released; the runner hears of each removal after that. A removal that fails (the engine does not
/// answer) is kept and tried again with a back-off from <see cref="FirstRetry"/> to <see cref="MaxRetry"/>
/// until it is done, and once more at shutdown (<see cref="RetryFailedRemovalsAsync"/>), so that an engine
/// restart leaves no container behind and a stop knows which it could not remove. A creation that went
/// unanswered may have left a container nobody was handed: <see cref="SweepOrphansSoon"/> has the driver remove
/// this node's containers it never handed out (by label) on the same back-off, until one sweep reaches the engine.
/// The stop's round is the last: no retry or sweep runs after it, so that nothing of the runner's works on the engine
/// (or, with runc, in the node's state directory) once its stop returned.
/// </summary>
internal sealed class LiveContainers : IDisposable
{
    /// <summary>The wait before a failed removal is tried again.</summary>
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between tries of a failed removal.</summary>
    public static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<HotContainer, byte> _live = new();
    private readonly ConcurrentDictionary<HotContainer, byte> _failed = new();
    private readonly SemaphoreSlim _retryRound = new(1, 1);
    private readonly ITimer _retryTimer;
    private readonly Lock _retryLock = new();
    private TimeSpan _retryDelay = FirstRetry;
    private bool _retryArmed;
    private bool _retriesOver;
    private int _sweepWanted;
    private long _removedCount;
    private readonly IContainerDriver _driver;
    private readonly ContainerOpsLimiter _ops;
    private readonly ResourceTracker _tracker;
    private readonly ILogger _logger;
    private readonly IRunnerObserver _observer;
    private readonly Action<HotContainer> _removed;
    private readonly Func<bool> _stopping;

    /// <summary>Creates the list.</summary>
    /// <param name="driver">Removes the node's orphans (<see cref="SweepOrphansSoon"/>).</param>
    /// <param name="ops">The bound on container operations in flight.</param>
    /// <param name="tracker">Where a removed container's memory goes back.</param>
    /// <param name="logger">Logs removals that failed.</param>
    /// <param name="observer">Hears each container added and removed.</param>
    /// <param name="removed">Runs after each removal, its memory released; never throws.</param>
    /// <param name="time">The clock of the retries of failed removals.</param>
    /// <param name="stopping">Whether the runner stops (a failed removal then gets only the stop's one more try); never, by default.</param>
    public LiveContainers(IContainerDriver driver, ContainerOpsLimiter ops, ResourceTracker tracker, ILogger logger, IRunnerObserver observer, Action<HotContainer> removed, TimeProvider time, Func<bool>? stopping = null)
    {
        _stopping = stopping ?? (static () => false);
        _driver = driver;
        _ops = ops;
        _tracker = tracker;
        _logger = logger;
        _observer = observer;
        _removed = removed;
        _retryTimer = time.CreateTimer(static l => _ = ((LiveContainers)l!).RetryRoundAsync(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How many containers are live (created and not yet removed).</summary>
    public int Count => _live.Count;

    /// <summary>How many containers were removed from the engine so far (retries of failed removals and orphans included).</summary>
    public long RemovedCount => Interlocked.Read(ref _removedCount);

    /// <summary>How many containers wait for a removal that failed to be tried again.</summary>
    public int FailedRemovalCount => _failed.Count;

    /// <summary>Whether a sweep of orphans is wanted and has not yet reached the engine.</summary>
    public bool SweepPending => Volatile.Read(ref _sweepWanted) == 1;

    /// <summary>
    /// Asks for a sweep of orphans (<see cref="IContainerDriver.RemoveOrphansAsync"/>) after a creation that went
    /// unanswered: tried after <see cref="FirstRetry"/>, then on the back-off of failed removals, until one sweep
    /// reaches the engine.
    /// </summary>
    public void SweepOrphansSoon()
    {
        Volatile.Write(ref _sweepWanted, 1);
        ArmRetry();
    }

    /// <summary>Adds a container just created.</summary>
    public void Add(HotContainer container)
    {
        _live.TryAdd(container, 0);
        _observer.ContainerAdded();
    }

    /// <summary>The containers live now.</summary>
    public IReadOnlyList<HotContainer> Snapshot() => [.. _live.Keys];

    /// <summary>
    /// Removes <paramref name="container"/> once, as background work (behind the starts waiting on the engine); every caller
    /// gets the one removal's task, which never throws.
    /// </summary>
    public Task RemoveAsync(HotContainer container) => container.RemoveOnce(c => RemoveCoreAsync(c, ContainerOpKind.Background));

    /// <summary>
    /// Removes <paramref name="container"/>, evicted to make room for a start, once, in line with the starts (a start
    /// waits on its memory); every caller gets the one removal's task, which never throws.
    /// </summary>
    public Task EvictAsync(HotContainer container) => container.RemoveOnce(c => RemoveCoreAsync(c, ContainerOpKind.Start));

    private async Task RemoveCoreAsync(HotContainer container, ContainerOpKind kind)
    {
        try
        {
            container.Client.Dispose();
            if (container.TakePause() is { } pause && await pause)
            {
                await ThawBeforeRemovalAsync(container);
            }

            await _ops.RunAsync(kind, () => container.Container.RemoveAsync(CancellationToken.None), CancellationToken.None);
            Interlocked.Increment(ref _removedCount);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (_stopping())
            {
                // No retry round comes after the stop's own (RetryFailedRemovalsAsync): say so.
                RunnerLog.RemoveFailedStopping(_logger, e, container.Container.Id);
            }
            else
            {
                RunnerLog.RemoveFailed(_logger, e, container.Container.Id, FirstRetry.TotalMilliseconds);
            }

            _failed.TryAdd(container, 0);
            ArmRetry();
        }
        finally
        {
            _tracker.Release(container.MemoryMiB, container.AsyncPool);
            _live.TryRemove(container, out _);
        }

        _observer.ContainerRemoved();
        _removed(container);
    }

    /// <summary>
    /// Tries every failed removal again now, and sweeps the node's orphans (at shutdown, after the last removals):
    /// returns the ids of the containers still not removed, which stay on the engine until a later start removes
    /// them by label, and whether the sweep reached the engine (else orphans may stay too).
    /// </summary>
    /// <remarks>The last round: a retry armed before it never comes, and what still fails is not tried again.</remarks>
    public async Task<(IReadOnlyList<string> NotRemoved, bool Swept)> RetryFailedRemovalsAsync()
    {
        Volatile.Write(ref _sweepWanted, 1);
        lock (_retryLock)
        {
            _retriesOver = true;
            _retryArmed = false;
            _retryTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        await RetryRoundAsync(last: true);
        return ([.. _failed.Keys.Select(c => c.Container.Id)], !SweepPending);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _retryTimer.Dispose();
        _retryRound.Dispose();
    }

    private void ArmRetry()
    {
        lock (_retryLock)
        {
            if (!_retryArmed && !_retriesOver)
            {
                _retryArmed = true;
                _retryTimer.Change(_retryDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// One round of retries of the failed removals and of a wanted sweep; the next round waits twice as long while some
    /// still fail. None after the <paramref name="last"/> one, the stop's: a round of the timer that waited for it ends there.
    /// </summary>
    private async Task RetryRoundAsync(bool last = false)
    {
        lock (_retryLock)
        {
            _retryArmed = false;
        }

        try
        {
            await _retryRound.WaitAsync();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        try
        {
            if (!last && Volatile.Read(ref _retriesOver))
            {
                return;
            }

            // Together, within the operations limit: on an engine that does not answer each waits out its API
            // timeout, and one after another they held a stop for minutes.
            await Task.WhenAll(_failed.Keys.Select(RetryRemovalAsync));

            if (SweepPending)
            {
                await SweepAsync();
            }

            lock (_retryLock)
            {
                _retryDelay = _failed.IsEmpty && !SweepPending ? FirstRetry : TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, MaxRetry.Ticks));
            }
        }
        finally
        {
            _retryRound.Release();
        }

        if (!_failed.IsEmpty || SweepPending)
        {
            ArmRetry();
        }
    }

    private async Task RetryRemovalAsync(HotContainer container)
    {
        try
        {
            await _ops.RunAsync(ContainerOpKind.Background, () => container.Container.RemoveAsync(CancellationToken.None), CancellationToken.None);
            _failed.TryRemove(container, out _);
            Interlocked.Increment(ref _removedCount);
            RunnerLog.RemovedAfterFailure(_logger, container.Container.Id);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Still unreachable, most likely: the next round tries again.
        }
    }

    private async Task SweepAsync()
    {
        // Cleared before the sweep: a creation unanswered while it runs asks for the next one.
        Volatile.Write(ref _sweepWanted, 0);
        try
        {
            var removed = await _ops.RunAsync(ContainerOpKind.Background, () => _driver.RemoveOrphansAsync(CancellationToken.None), CancellationToken.None);
            Interlocked.Add(ref _removedCount, removed);
            if (removed > 0)
            {
                RunnerLog.OrphansRemoved(_logger, removed);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Still unreachable, most likely: the next round sweeps again.
            Volatile.Write(ref _sweepWanted, 1);
        }
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
