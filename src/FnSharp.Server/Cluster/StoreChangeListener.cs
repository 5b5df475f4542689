using FnSharp.Core.Storage;
using FnSharp.Server.Hosting;
using FnSharp.Server.Invocation;

namespace FnSharp.Server.Cluster;

/// <summary>
/// Keeps this node's cached lookups (<see cref="CachingDataStore"/>) true to a store shared with other
/// nodes: it subscribes to the store's changes (<see cref="IStoreChangeFeed"/>, PostgreSQL's
/// <c>LISTEN/NOTIFY</c>) and drops the cache at each change any node commits. Until the subscription is in
/// place, and whenever it breaks, the cache is suspended (every lookup goes to the store), since changes
/// made meanwhile cannot be heard of; it subscribes again after 0.1 s, doubling up to 10 s, and caches again
/// from empty. A store without a change feed (SQLite, one node) needs none of this.
/// </summary>
internal sealed partial class StoreChangeListener(StoreHolder store, IServiceProvider services, TimeProvider time, ILogger<StoreChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(10);

    /// <summary>Called once a subscription is in place, and the cache caches again (tests wait on it instead of polling).</summary>
    internal Action? Subscribed { get; set; }

    /// <summary>Called after each change has dropped the cache, with the table changed.</summary>
    internal Action<string>? Changed { get; set; }

    /// <summary>Suspends the cache before the server listens, so that nothing is cached before the subscription is in place.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (store.Store is IStoreChangeFeed && Cache() is { } cache)
        {
            cache.Suspend();
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store.Store is not IStoreChangeFeed feed || Cache() is not { } cache)
        {
            return;
        }

        var retry = FirstRetry;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await feed.ListenAsync(
                    () =>
                    {
                        cache.Resume();
                        if (failures > 0)
                        {
                            LogResubscribed(logger, failures);
                        }
                        else
                        {
                            LogSubscribed(logger);
                        }

                        (failures, retry) = (0, FirstRetry);
                        Subscribed?.Invoke();
                    },
                    table =>
                    {
                        cache.Invalidate();
                        Changed?.Invoke(table);
                    },
                    stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                cache.Suspend();
                failures++;
                LogListenFailed(logger, e, failures, (long)retry.TotalMilliseconds);
                try
                {
                    await Task.Delay(retry, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
            }
        }
    }

    // The server's own cache; none when a test replaced the datastore.
    private CachingDataStore? Cache() => services.GetRequiredService<IDataStore>() as CachingDataStore;
}
