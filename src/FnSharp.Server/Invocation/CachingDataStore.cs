using System.Collections.Concurrent;

namespace FnSharp.Server.Invocation;

/// <summary>
/// The datastore as the server uses it: every call passes through to the real store, and the four
/// lookups of the invoke path (fn by id, app by id and by name, trigger by source) are cached.
/// Every write through this node invalidates the whole cache at once, so this node never serves a
/// stale fn after a change it made (Fn's cache lags writes by up to 5 s). On a store shared by several
/// nodes, <see cref="Cluster.StoreChangeListener"/> invalidates it for each change another node commits
/// (<see cref="Invalidate"/>), suspends it while it cannot hear of them, and makes each write through this
/// node wait until the other nodes have seen it (<see cref="AfterWrite"/>). Entries also expire after a
/// time, which bounds how late a change is seen should every other means fail.
/// </summary>
/// <remarks>
/// Entries carry the generation in which their read began; a write bumps the generation after it
/// commits, so an entry read before or during a write is never served after it, whatever the
/// interleaving of the read, the write and the insertion into the cache.
/// </remarks>
internal sealed class CachingDataStore(IDataStore inner, TimeProvider time, TimeSpan lifetime) : IDataStore
{
    // Beyond this many entries the cache starts over rather than grow without bound.
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<(char Kind, string Key), Entry> _entries = new();
    private long _generation;
    private volatile bool _suspended;

    /// <summary>The store behind the cache.</summary>
    public IDataStore Inner => inner;

    public Task<Fn?> GetFnAsync(string fnId, CancellationToken cancellationToken) =>
        CachedAsync('f', fnId, () => inner.GetFnAsync(fnId, cancellationToken));

    public Task<App?> GetAppByIdAsync(string appId, CancellationToken cancellationToken) =>
        CachedAsync('a', appId, () => inner.GetAppByIdAsync(appId, cancellationToken));

    public Task<App?> GetAppByNameAsync(string name, CancellationToken cancellationToken) =>
        CachedAsync('n', name, () => inner.GetAppByNameAsync(name, cancellationToken));

    public Task<Trigger?> GetTriggerBySourceAsync(string appId, string type, string source, CancellationToken cancellationToken) =>
        CachedAsync('t', string.Join('\u001f', appId, type, source), () => inner.GetTriggerBySourceAsync(appId, type, source, cancellationToken));

    public Task<App> InsertAppAsync(App app, CancellationToken cancellationToken) => WriteAsync(() => inner.InsertAppAsync(app, cancellationToken), cancellationToken);

    public Task<App> UpdateAppAsync(string appId, Func<App, App> update, CancellationToken cancellationToken) =>
        WriteAsync(() => inner.UpdateAppAsync(appId, update, cancellationToken), cancellationToken);

    public Task<bool> RemoveAppAsync(string appId, CancellationToken cancellationToken) => WriteAsync(() => inner.RemoveAppAsync(appId, cancellationToken), cancellationToken);

    public Task<Fn> InsertFnAsync(Fn fn, CancellationToken cancellationToken) => WriteAsync(() => inner.InsertFnAsync(fn, cancellationToken), cancellationToken);

    public Task<Fn> UpdateFnAsync(string fnId, Func<Fn, Fn> update, CancellationToken cancellationToken) =>
        WriteAsync(() => inner.UpdateFnAsync(fnId, update, cancellationToken), cancellationToken);

    public Task<bool> RemoveFnAsync(string fnId, CancellationToken cancellationToken) => WriteAsync(() => inner.RemoveFnAsync(fnId, cancellationToken), cancellationToken);

    public Task<Trigger> InsertTriggerAsync(Trigger trigger, CancellationToken cancellationToken) => WriteAsync(() => inner.InsertTriggerAsync(trigger, cancellationToken), cancellationToken);

    public Task<Trigger> UpdateTriggerAsync(string triggerId, Func<Trigger, Trigger> update, CancellationToken cancellationToken) =>
        WriteAsync(() => inner.UpdateTriggerAsync(triggerId, update, cancellationToken), cancellationToken);

    public Task<bool> RemoveTriggerAsync(string triggerId, CancellationToken cancellationToken) => WriteAsync(() => inner.RemoveTriggerAsync(triggerId, cancellationToken), cancellationToken);

    public Task<Page<App>> GetAppsAsync(ListFilter filter, CancellationToken cancellationToken) => inner.GetAppsAsync(filter, cancellationToken);

    public Task<Page<Fn>> GetFnsAsync(ListFilter filter, CancellationToken cancellationToken) => inner.GetFnsAsync(filter, cancellationToken);

    public Task<Trigger?> GetTriggerAsync(string triggerId, CancellationToken cancellationToken) => inner.GetTriggerAsync(triggerId, cancellationToken);

    public Task<Page<Trigger>> GetTriggersAsync(ListFilter filter, CancellationToken cancellationToken) => inner.GetTriggersAsync(filter, cancellationToken);

    /// <summary>
    /// Runs after each successful write through this node, before the write returns: on a shared store,
    /// <see cref="Cluster.StoreChangeListener.SyncAsync"/>, which waits until the other nodes have seen it.
    /// </summary>
    public Func<CancellationToken, Task>? AfterWrite { get; set; }

    /// <summary>Drops every cached lookup: a change was committed elsewhere.</summary>
    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
    }

    /// <summary>
    /// Stops caching until <see cref="Resume"/>: every lookup goes to the store, because changes committed
    /// elsewhere cannot be heard of meanwhile (the store's change feed is down).
    /// </summary>
    public void Suspend()
    {
        _suspended = true;
        Invalidate();
    }

    /// <summary>Caches again from empty: the change feed is back, and what was cached before it may be stale.</summary>
    public void Resume()
    {
        Invalidate();
        _suspended = false;
    }

    private async Task<T?> CachedAsync<T>(char kind, string key, Func<Task<T?>> read)
        where T : class
    {
        if (lifetime <= TimeSpan.Zero || _suspended)
        {
            return await read();
        }

        var generation = Interlocked.Read(ref _generation);
        var now = time.GetTimestamp();
        if (_entries.TryGetValue((kind, key), out var entry) && entry.Generation == generation && time.GetElapsedTime(entry.ReadAt, now) < lifetime)
        {
            return (T?)entry.Value;
        }

        var value = await read();
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[(kind, key)] = new Entry(value, generation, now);
        return value;
    }

    private async Task<T> WriteAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken)
    {
        T written;
        try
        {
            written = await write();
        }
        finally
        {
            // Also after a failed write: it may have committed before failing.
            Invalidate();
        }

        if (AfterWrite is { } afterWrite)
        {
            await afterWrite(cancellationToken);
        }

        return written;
    }

    private sealed record Entry(object? Value, long Generation, long ReadAt);
}
