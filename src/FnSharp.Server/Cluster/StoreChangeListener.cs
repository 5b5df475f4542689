using FnSharp.Agent.Runner;
using FnSharp.Server.Invocation;

namespace FnSharp.Server.Cluster;

/// <summary>
/// Keeps the cached lookups (<see cref="CachingDataStore"/>) of every node true to a store they share
/// (<see cref="IStoreChangeFeed"/>, PostgreSQL's <c>LISTEN/NOTIFY</c>):
/// <list type="bullet">
/// <item>it drops this node's cache at each change any node commits;</item>
/// <item>after each change made through this node, before the API answers, it asks every other live node
/// to acknowledge the change (<see cref="SyncAsync"/>, <see cref="ChangeSync"/>): a node acknowledges a
/// message only after it has handled every message before it, changes included, so once all have
/// acknowledged, the next call through any of them sees the change; the wait is bounded
/// (<see cref="ChangeSync.Timeout"/>) and never fails the write;</item>
/// <item>after a fn or an app was removed through this node, it tells the other nodes (<see cref="RemovedAsync"/>,
/// <see cref="ResourceMessage"/>), and when another node tells it, it removes its own containers of that fn or app at
/// once and stops keeping them hot (<see cref="RunnerAgent.FnRemoved"/>, <see cref="MinHotKeeper.Forget"/>); a node
/// that is not listening then lets them idle out;</item>
/// <item>after a fn or an app was created or updated through this node, it tells the other nodes too
/// (<see cref="ChangedAsync"/>), and each that hears it reads the fn (or the app) from the store and does what the
/// node that took the request did: keeps its <c>fnsharp.io/min-hot</c> containers hot in the new configuration
/// (<see cref="MinHotKeeper.Keep"/>) and lets the old configuration's containers go (<see cref="RunnerAgent.FnChanged"/>,
/// <see cref="RunnerAgent.AppChanged"/>); the messages of removals and changes are handled one after another, in the
/// order they came;</item>
/// <item>until its subscription is in place, and whenever it breaks, the cache is suspended (every lookup
/// goes to the store), since changes made meanwhile cannot be heard of; it subscribes again after 0.1 s,
/// doubling up to 10 s, and caches again from empty.</item>
/// </list>
/// A store without a change feed (SQLite, one node) needs none of this.
/// </summary>
internal sealed partial class StoreChangeListener(
    StoreHolder store,
    IServiceProvider services,
    IOptions<ClusterOptions> options,
    IOptions<ServerOptions> serverOptions,
    TimeProvider time,
    ILogger<StoreChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(10);
    // Made on first use, not here: reading the options validates them, and a bad setting must be reported
    // by the host's start-up validation, not by the creation of the hosted services.
    private readonly Lazy<ChangeBarrier> _barriers = new(() => new ChangeBarrier(serverOptions.Value.NodeName));
    private volatile bool _listening;

    /// <summary>Called once a subscription is in place, and the cache caches again (tests wait on it instead of polling).</summary>
    internal Action? Subscribed { get; set; }

    /// <summary>Called after each change of a table has dropped the cache, with the table changed.</summary>
    internal Action<string>? Changed { get; set; }

    /// <summary>Called after another node's removal of a fn or an app was handled, with its id.</summary>
    internal Action<string>? Removal { get; set; }

    /// <summary>Called after another node's creation or update of a fn or an app was handled, with its id.</summary>
    internal Action<string>? Update { get; set; }

    // The handling of other nodes' removals and changes, one after another in the order they came (a change's read of
    // the store must not run after, and undo, the removal that followed it); only the feed's reading loop sets it.
    private Task _applying = Task.CompletedTask;

    private IStoreChangeFeed? Feed => store.Store as IStoreChangeFeed;

    private ChangeBarrier Barrier => _barriers.Value;

    // Made on first use too; two made at once would share the barrier, which holds all the state.
    private ChangeSync Sync => field ??= new ChangeSync(Barrier, options.Value, time, logger);

    /// <summary>
    /// Waits until every other live node has seen the changes this node committed so far
    /// (<see cref="ChangeSync.SyncAsync"/>: at most <see cref="ChangeSync.Timeout"/>, and never failing).
    /// Returns at once when this node is not listening (it cannot hear acknowledgements; the others still
    /// drop their caches at the change itself).
    /// </summary>
    public Task SyncAsync(CancellationToken cancellationToken) =>
        _listening && Feed is { } feed && store.Store is INodeStore nodes
            ? Sync.SyncAsync(nodes, feed, cancellationToken)
            : Task.CompletedTask;

    /// <summary>
    /// Tells the other nodes that the <paramref name="what"/> (<see cref="ResourceMessage.Fn"/> or <see cref="ResourceMessage.App"/>)
    /// <paramref name="id"/> was removed through this node, so that they remove their containers of it at once. Never fails:
    /// a node that does not hear it (its feed is down, the send failed) lets them idle out. Does nothing on a store
    /// without a change feed (one node).
    /// </summary>
    public Task RemovedAsync(string what, string id, CancellationToken cancellationToken) =>
        AnnounceAsync(ResourceMessage.Removed, what, id, cancellationToken);

    /// <summary>
    /// Tells the other nodes that the <paramref name="what"/> (<see cref="ResourceMessage.Fn"/> or <see cref="ResourceMessage.App"/>)
    /// <paramref name="id"/> was created or updated through this node, so that they keep its min-hot containers hot and let
    /// its old configuration's containers go. Never fails: a node that does not hear it reads its min-hot fns at its next
    /// start and lets old containers idle out. Does nothing on a store without a change feed (one node).
    /// </summary>
    public Task ChangedAsync(string what, string id, CancellationToken cancellationToken) =>
        AnnounceAsync(ResourceMessage.Changed, what, id, cancellationToken);

    private async Task AnnounceAsync(string change, string what, string id, CancellationToken cancellationToken)
    {
        if (Feed is not { } feed)
        {
            return;
        }

        try
        {
            await feed.NotifyAsync(ResourceMessage.Of(change, what, id, serverOptions.Value.NodeName), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogAnnouncementNotSent(logger, e, what, id, change);
        }
    }

    /// <summary>Suspends the cache before the server listens, so that nothing is cached before the subscription is in place.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (Feed is not null && Cache() is { } cache)
        {
            cache.Suspend();
            cache.AfterWrite = SyncAsync;
        }

        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Feed is not { } feed || Cache() is not { } cache)
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
                        _listening = true;
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
                    message => Handle(feed, cache, message, stoppingToken),
                    stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _listening = false;
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

    /// <summary>Handles one message, on the feed's reading loop: messages come one at a time, in commit order.</summary>
    private void Handle(IStoreChangeFeed feed, CachingDataStore cache, string message, CancellationToken stoppingToken)
    {
        if (ResourceMessage.TryRead(message, out var change, out var what, out var id, out var writer))
        {
            if (!Barrier.IsSelf(writer))
            {
                var before = _applying;
                _applying = change == ResourceMessage.Removed
                    ? ApplyAfterAsync(before, () => { Removed(what, id, writer); return Task.CompletedTask; })
                    : ApplyAfterAsync(before, () => ChangedElsewhereAsync(what, id, writer, stoppingToken));
            }

            return;
        }

        var (kind, number, sender, node) = ChangeBarrier.Read(message);
        switch (kind)
        {
            case ChangeMessageKind.Change:
                cache.Invalidate();
                Changed?.Invoke(message);
                break;
            case ChangeMessageKind.Sync when !Barrier.IsSelf(sender):
                // Every change committed before the sync was handled before it: acknowledge.
                _ = AcknowledgeAsync(feed, number, sender, stoppingToken);
                break;
            case ChangeMessageKind.Ack when Barrier.IsSelf(sender):
                Barrier.Acknowledged(number, node);
                break;
        }
    }

    /// <summary>Another node removed a fn or an app: this node's containers of it go, as when it is removed through this node.</summary>
    private void Removed(string what, string id, string remover)
    {
        var minHot = services.GetService<MinHotKeeper>();
        var agent = services.GetService<RunnerAgent>();
        LogRemovedElsewhere(logger, what, id, remover);
        if (what == ResourceMessage.Fn)
        {
            minHot?.Forget(id);
            agent?.FnRemoved(id);
        }
        else
        {
            minHot?.AppRemoved(id);
            agent?.AppRemoved(id);
        }

        Removal?.Invoke(id);
    }

    /// <summary>
    /// Another node created or updated a fn or an app: this node reads it from the store (not the cache) and does what the
    /// node that took the request did, without creating containers ahead (a node sharing its store does not).
    /// </summary>
    private async Task ChangedElsewhereAsync(string what, string id, string writer, CancellationToken cancellationToken)
    {
        var minHot = services.GetService<MinHotKeeper>();
        var agent = services.GetService<RunnerAgent>();
        var data = store.Store;
        LogChangedElsewhere(logger, what, id, writer);
        if (what == ResourceMessage.Fn)
        {
            // Gone since (its removal's message follows): nothing to keep.
            if (await data.GetFnAsync(id, cancellationToken) is { } fn && await data.GetAppByIdAsync(fn.AppId, cancellationToken) is { } app)
            {
                minHot?.Keep(app, fn);
                agent?.FnChanged(app, fn, createAhead: false);
            }
        }
        else if (await data.GetAppByIdAsync(id, cancellationToken) is { } app)
        {
            if (minHot is not null)
            {
                await minHot.AppChangedAsync(app, data, cancellationToken);
            }

            agent?.AppChanged(app);
        }

        Update?.Invoke(id);
    }

    // Runs apply once what came before it has run, whatever became of that; a failure is logged, never thrown.
    private async Task ApplyAfterAsync(Task before, Func<Task> apply)
    {
        try
        {
            await before;
            await apply();
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
#pragma warning disable CA1031 // One message's failure must not stop the handling of the next: logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogApplyFailed(logger, e);
        }
    }

    private async Task AcknowledgeAsync(IStoreChangeFeed feed, long number, string writer, CancellationToken stoppingToken)
    {
        try
        {
            await feed.NotifyAsync(Barrier.AckMessage(number, writer), stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The writer waits its timeout, then answers anyway.
            LogAckFailed(logger, e, writer);
        }
    }

    // The server's own cache; none when a test replaced the datastore.
    private CachingDataStore? Cache() => services.GetRequiredService<IDataStore>() as CachingDataStore;
}
