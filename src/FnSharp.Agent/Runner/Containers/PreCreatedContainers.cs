using System.Collections.Concurrent;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner.Queue;
using FnSharp.Core.Models;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// Containers created ahead of demand, not started (issue 17): at most one per fn and configuration, so that the
/// next cold start of the fn only starts its container (the create, with its image check, is off the call's path).
/// A fn gets one when it is created or updated (it is about to be called) and when its last container is removed
/// (it was called recently: its idle timeout or an eviction ended it); <see cref="PreCreateRules"/> decides, bounded
/// by <c>FN_PRECREATE_MAX</c> and by the node's free memory. One not taken within <c>FN_PRECREATE_IDLE_MSECS</c> is
/// removed, as are a fn's when it is updated or removed, an app's when it changes or is removed, and all of them
/// when the runner stops (counted in its last line, and a removal that failed tried once more there). Creates and removals
/// go through the container operations limit like every other.
/// A call that takes one is still <see cref="StartKind.Cold"/>: it waited for a start; its <c>create</c> phase is 0.
/// </summary>
internal sealed class PreCreatedContainers
{
    // How long a removed fn or app, or a replaced configuration, is remembered, so that its queue's last container
    // idling out brings none back (Fn's longest idle_timeout).
    private static readonly TimeSpan RetiredMemory = TimeSpan.FromHours(1);

    private readonly IContainerDriver _driver;
    private readonly ContainerOpsLimiter _ops;
    private readonly ResourceTracker _tracker;
    private readonly RunnerLifetime _lifetime;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _max;
    private readonly int _idleMs;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Held> _byKey = new(StringComparer.Ordinal);
    // "fn:ID", "app:ID" and "key:SLOTKEY" of what was removed or replaced, with when.
    private readonly Dictionary<string, long> _retired = new(StringComparer.Ordinal);
    // Containers whose removal failed, with their fn: tried again when the runner stops.
    private readonly ConcurrentDictionary<IFnContainer, string> _failedRemovals = new();
    private long _removedCount;

    public PreCreatedContainers(IContainerDriver driver, ContainerOpsLimiter ops, ResourceTracker tracker, RunnerLifetime lifetime, AgentOptions options, AgentMetrics metrics, TimeProvider time, ILogger logger)
    {
        _driver = driver;
        _ops = ops;
        _tracker = tracker;
        _lifetime = lifetime;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _max = options.PreCreateMax;
        _idleMs = options.PreCreateIdleMs;
    }

    /// <summary>How many are held now (created or being created).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _byKey.Count;
            }
        }
    }

    /// <summary>How many containers created ahead were removed from the engine so far (for the stop's count).</summary>
    public long RemovedCount => Interlocked.Read(ref _removedCount);

    /// <summary>Creates one for <paramref name="fn"/> in the configuration <paramref name="slotKey"/> when the rules allow; returns the decision.</summary>
    public PreCreateDecision Offer(App app, Fn fn, string slotKey)
    {
        Held held;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            foreach (var gone in _retired.Where(e => _time.GetElapsedTime(e.Value, now) >= RetiredMemory).Select(e => e.Key).ToList())
            {
                _retired.Remove(gone);
            }

            var decision = PreCreateRules.Decide(
                _lifetime.IsStopping ? 0 : _max,
                _byKey.Count,
                _byKey.Values.Sum(h => (long)h.MemoryMiB),
                _byKey.ContainsKey(slotKey),
                _retired.ContainsKey("fn:" + fn.Id) || _retired.ContainsKey("app:" + app.Id) || _retired.ContainsKey("key:" + slotKey),
                FnSharpAnnotations.MinHotOf(fn.Annotations) ?? 0,
                FnSharpAnnotations.PullAlwaysOf(fn.Annotations) is true,
                _tracker.Free().TotalMiB,
                fn.Memory);
            if (decision != PreCreateDecision.Create)
            {
                return decision;
            }

            held = new Held(slotKey, fn, app.Id);
            _byKey[slotKey] = held;
            held.Creation = CreateAsync(held, ContainerLauncher.SpecOf(app, fn));
            held.IdleTimer = _time.CreateTimer(static s => ((PreCreatedContainers)((object[])s!)[0]).Expire((Held)((object[])s)[1]), new object[] { this, held }, TimeSpan.FromMilliseconds(_idleMs), Timeout.InfiniteTimeSpan);
        }

        _lifetime.Track(held.Creation);
        return PreCreateDecision.Create;
    }

    /// <summary>
    /// Takes the one held for <paramref name="slotKey"/>, waiting for its create when it is still being created;
    /// <see langword="null"/> when there is none or its create failed (the caller creates one itself).
    /// </summary>
    public async Task<IFnContainer?> TryTakeAsync(string slotKey)
    {
        Held? held;
        lock (_lock)
        {
            if (!_byKey.Remove(slotKey, out held))
            {
                return null;
            }
        }

        held.IdleTimer?.Dispose();
        var container = await held.Creation;
        if (container is not null)
        {
            _metrics.PreCreated.Add(1, AgentMetrics.Fn(held.Fn.Id), new("outcome", "taken"));
        }

        return container;
    }

    /// <summary>
    /// The fn changed: its configuration is <paramref name="slotKey"/> now; the <paramref name="replaced"/> ones (its
    /// queues' keys) and the ones held for them go.
    /// </summary>
    public void FnChanged(string fnId, string slotKey, IEnumerable<string> replaced)
    {
        Retire(replaced.Where(k => k != slotKey).Select(k => "key:" + k), unretire: "key:" + slotKey);
        Drop(h => h.Fn.Id == fnId && h.Key != slotKey);
    }

    /// <summary>
    /// The app changed (its config is its fns'): the <paramref name="replaced"/> configurations of its fns (its queues'
    /// keys that its new config changes) and the ones held for any configuration it changes go.
    /// </summary>
    public void AppChanged(App app, IEnumerable<string> replaced)
    {
        Retire(replaced.Select(k => "key:" + k), unretire: null);
        Drop(h => h.AppId == app.Id && SlotKey.Of(app, h.Fn) != h.Key);
    }

    /// <summary>The fn <paramref name="fnId"/> was removed: its ones go, and none is made for it again.</summary>
    public void FnRemoved(string fnId)
    {
        Retire(["fn:" + fnId], unretire: null);
        Drop(h => h.Fn.Id == fnId);
    }

    /// <summary>The app <paramref name="appId"/> was removed with its fns: their ones go, and none is made for them again.</summary>
    public void AppRemoved(string appId)
    {
        Retire(["app:" + appId], unretire: null);
        Drop(h => h.AppId == appId);
    }

    /// <summary>At the runner's stop: removes every one held (the stop has cancelled the creates in flight).</summary>
    public Task RemoveAllAsync() => Task.WhenAll(Take(_ => true).Select(RemoveAsync));

    /// <summary>
    /// At the runner's stop, after <see cref="RemoveAllAsync"/>: tries every removal that failed once more; returns the ids
    /// of the containers still not removed.
    /// </summary>
    public async Task<IReadOnlyList<string>> RetryFailedRemovalsAsync()
    {
        // Together, within the operations limit (one after another, a hung engine held the stop for minutes).
        await Task.WhenAll(_failedRemovals.Keys.Select(async container =>
        {
            try
            {
                await _ops.RunAsync(ContainerOpKind.Background, () => container.RemoveAsync(CancellationToken.None), CancellationToken.None);
                _failedRemovals.TryRemove(container, out _);
                Interlocked.Increment(ref _removedCount);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Still not removed: named by the caller.
            }
        }));

        return [.. _failedRemovals.Keys.Select(c => c.Id)];
    }

    /// <summary>
    /// Removes <paramref name="container"/>, created ahead for <paramref name="fnId"/> and taken by a start that did not
    /// start it (the runner stops), counted with the others; never throws (a failure is kept for the stop's retry).
    /// </summary>
    public async Task RemoveAsync(IFnContainer container, string fnId)
    {
        try
        {
            await _ops.RunAsync(ContainerOpKind.Background, () => container.RemoveAsync(CancellationToken.None), CancellationToken.None);
            Interlocked.Increment(ref _removedCount);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _failedRemovals.TryAdd(container, fnId);
            RunnerLog.PreCreatedRemovalFailed(_logger, e, container.Id, fnId);
        }
    }

    /// <summary>
    /// Whether the fn <paramref name="fnId"/> or its app <paramref name="appId"/> was removed (remembered for an hour at
    /// least): the runner then refuses a call of it that looked the fn up before its removal.
    /// </summary>
    public bool IsRemoved(string appId, string fnId)
    {
        lock (_lock)
        {
            return _retired.ContainsKey("fn:" + fnId) || _retired.ContainsKey("app:" + appId);
        }
    }

    private void Retire(IEnumerable<string> names, string? unretire)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            foreach (var name in names)
            {
                _retired[name] = now;
            }

            if (unretire is not null)
            {
                _retired.Remove(unretire);
            }
        }
    }

    private void Drop(Func<Held, bool> which)
    {
        foreach (var held in Take(which))
        {
            _lifetime.Track(RemoveAsync(held));
        }
    }

    private List<Held> Take(Func<Held, bool> which)
    {
        lock (_lock)
        {
            var taken = _byKey.Values.Where(which).ToList();
            foreach (var held in taken)
            {
                _byKey.Remove(held.Key);
                held.IdleTimer?.Dispose();
            }

            return taken;
        }
    }

    private void Expire(Held held)
    {
        lock (_lock)
        {
            if (!_byKey.TryGetValue(held.Key, out var current) || current != held)
            {
                return;
            }

            _byKey.Remove(held.Key);
        }

        held.IdleTimer?.Dispose();
        _metrics.PreCreated.Add(1, AgentMetrics.Fn(held.Fn.Id), new("outcome", "expired"));
        RunnerLog.PreCreatedExpired(_logger, held.Fn.Id, _idleMs);
        _lifetime.Track(RemoveAsync(held));
    }

    /// <summary>Creates the container under the operations limit; <see langword="null"/> when the create failed or the runner stopped (logged).</summary>
    private async Task<IFnContainer?> CreateAsync(Held held, ContainerSpec spec)
    {
        // Off the caller's thread: the lock of Offer is held while this task is made.
        await Task.Yield();
        var stopping = _lifetime.StoppingToken;
        try
        {
            var container = await _ops.RunAsync(ContainerOpKind.Background, () => _driver.CreateAsync(spec, stopping), stopping);
            _metrics.PreCreated.Add(1, AgentMetrics.Fn(held.Fn.Id), new("outcome", "created"));
            RunnerLog.PreCreated(_logger, container.Id, held.Fn.Id);
            return container;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            lock (_lock)
            {
                if (_byKey.TryGetValue(held.Key, out var current) && current == held)
                {
                    _byKey.Remove(held.Key);
                }
            }

            held.IdleTimer?.Dispose();
            _metrics.PreCreated.Add(1, AgentMetrics.Fn(held.Fn.Id), new("outcome", "failed"));
            RunnerLog.PreCreateFailed(_logger, e, held.Fn.Id);
            return null;
        }
    }

    /// <summary>Removes a held container once its create ended; never throws (a removal the engine refuses is logged and tried again at the stop).</summary>
    private async Task RemoveAsync(Held held)
    {
        if (await held.Creation is { } container)
        {
            await RemoveAsync(container, held.Fn.Id);
        }
    }

    /// <summary>One container held for <see cref="Key"/>; its create is <see cref="Creation"/>. Compared by reference: a newer one for the same key is another.</summary>
    private sealed class Held(string key, Fn fn, string appId)
    {
        public string Key { get; } = key;

        public Fn Fn { get; } = fn;

        public string AppId { get; } = appId;

        public int MemoryMiB => Fn.Memory;

        public Task<IFnContainer?> Creation { get; set; } = Task.FromResult<IFnContainer?>(null);

        public ITimer? IdleTimer { get; set; }
    }
}
