using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner.Admission;
using FnSharp.Agent.Runner.Containers;
using FnSharp.Agent.Runner.Dispatch;
using FnSharp.Agent.Runner.Eviction;
using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Agent.Runner.Queue;
using Microsoft.Extensions.Options;

namespace FnSharp.Agent.Runner;

/// <summary>
/// The runner (Fn's <c>agent</c>, redesigned): a slot queue per fn and configuration with its own
/// launch policy, hot containers reused last-in first-out, a global bound on container operations,
/// memory reservations with eviction of other fns' idle containers, bounded waiting (503 with
/// <c>Retry-After</c>), idle timeouts and pausing, and a graceful shutdown that leaves no container (or names those the engine could not remove).
/// Like Fn's agent it holds its parts and passes each the others it needs: admission
/// (<see cref="CallAdmission"/>), the table of slot queues, the launcher, the evictor, the live
/// containers and the dispatcher (<c>docs/architecture.md</c> shows how a call moves through them).
/// </summary>
public sealed class RunnerAgent : IAgent, IAsyncDisposable
{
    /// <summary>The meter the runner records on (<c>FnSharp.Agent</c>); <c>docs/metrics.md</c> lists its instruments.</summary>
    public const string MeterName = AgentMetrics.MeterName;

    private readonly ConcurrentDictionary<string, SlotQueue> _slots = new(StringComparer.Ordinal);
    private readonly Lock _shutdownLock = new();
    private readonly IContainerDriver _driver;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IRunnerObserver _observer;
    private readonly ResourceTracker _tracker;
    private readonly ContainerOpsLimiter _ops;
    private readonly AgentMetrics _metrics;
    private readonly RunnerLifetime _lifetime = new();
    private readonly CallAdmission _admission;
    private readonly LiveContainers _containers;
    private readonly Evictor _evictor;
    private readonly MemoryLine _memory;
    private readonly CallDispatcher _dispatcher;
    private readonly SlotQueueParts _parts;
    private readonly PreCreatedContainers _preCreated;
    private readonly NodeCpu? _nodeCpu;
    private readonly Lock _minHotLock = new();
    private readonly Dictionary<string, KeptHot> _minHot = new(StringComparer.Ordinal);
    private Task? _shutdown;

    /// <summary>Creates the agent on <paramref name="driver"/>, with the memory and CPU of this host (see <see cref="HostResources.Detect"/>).</summary>
    public RunnerAgent(IContainerDriver driver, IOptions<AgentOptions> options, TimeProvider time, ILogger<RunnerAgent> logger, IMeterFactory? meterFactory = null)
        : this(driver, Detect(options), options.Value, time, logger, meterFactory)
    {
    }

    /// <summary>
    /// Creates the agent with given resources (tests use this to fix the memory), an observer of its state
    /// (none by default) and the busy share of the node's CPUs (0 to 1; by default this host's <c>/proc/stat</c>).
    /// </summary>
    internal RunnerAgent(IContainerDriver driver, HostResources resources, AgentOptions options, TimeProvider time, ILogger logger, IMeterFactory? meterFactory = null, IRunnerObserver? observer = null, Func<double?>? nodeCpuBusy = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        _driver = driver;
        _options = options;
        _time = time;
        _logger = logger;
        _observer = observer ?? RunnerObserver.None;
        _tracker = new ResourceTracker(resources, options.AsyncMemoryShare, _observer.MemoryReserved);
        _ops = new ContainerOpsLimiter(options.MaxContainerOps, _observer.ContainerOpWaiting);
        _metrics = new AgentMetrics(meterFactory, () => _tracker.ReservedMiB, () => _tracker.TotalMemoryMiB, () => _tracker.TotalCpuMilliCpus, () => _slots.Values.Select(s => s.Stats()));
        _admission = new CallAdmission(options, _tracker, _metrics, time, logger);
        _containers = new LiveContainers(driver, _ops, _tracker, logger, _observer, OnContainerRemoved, time, () => _lifetime.IsStopping);
        _evictor = new Evictor(_tracker, _containers.EvictAsync, _metrics, logger, offered: () => _memory!.Kick());
        _memory = new MemoryLine(_tracker, _evictor, _observer.MemoryGranted);
        _dispatcher = new CallDispatcher(_metrics, time, logger, TimeSpan.FromMilliseconds(options.ExitGraceMs));
        _preCreated = new PreCreatedContainers(driver, _ops, _tracker, _lifetime, options, _metrics, time, logger);
        _parts = new SlotQueueParts
        {
            Admission = _admission,
            Launcher = new ContainerLauncher(driver, _ops, _tracker, _memory, _containers, _preCreated, _lifetime, _metrics, time, logger),
            Evictor = _evictor,
            Containers = _containers,
            Lifetime = _lifetime,
            ForgetIfEmpty = slot => ForgetIfEmpty(slot),
            KeepAlive = new KeepAliveBook(options.KeepAlivePolicy, time, options.KeepAliveColdStartGiBSeconds),
            NodeCpuBusy = nodeCpuBusy ?? (_nodeCpu = NodeCpu.OfHost(time)).Busy,
            NodeCpus = resources.TotalCpuMilliCpus / 1000.0,
            Metrics = _metrics,
            Options = options,
            Time = time,
            Observer = _observer,
            Logger = logger,
        };
        RunnerLog.Ready(logger, resources.TotalMemoryMiB, resources.TotalCpuMilliCpus, options.MaxContainerOps);
    }

    /// <summary>Memory containers may reserve in total, in MiB.</summary>
    public long TotalMemoryMiB => _tracker.TotalMemoryMiB;

    /// <summary>Memory containers reserve now, in MiB.</summary>
    public long ReservedMemoryMiB => _tracker.ReservedMiB;

    /// <summary>The node's CPU, in milli-CPUs (1000 = one core).</summary>
    public long TotalCpuMilliCpus => _tracker.TotalCpuMilliCpus;

    /// <inheritdoc/>
    public async Task<CallResult> SubmitAsync(CallRequest call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var fnTag = AgentMetrics.Fn(call.Fn.Id);
        _metrics.Calls.Add(1, fnTag);
        var result = _admission.Admit(call, _lifetime.IsStopping) ?? await RunAsync(call, cancellationToken);
        _metrics.Completed.Add(1, fnTag, new("status", AgentMetrics.Label(result.Status)));
        switch (result.Status)
        {
            case CallStatus.Success or CallStatus.TooBusy:
                break;
            case CallStatus.TimedOut:
                _metrics.Timeouts.Add(1, fnTag);
                break;
            default:
                _metrics.Errors.Add(1, fnTag, new("kind", AgentMetrics.Label(result.Status)));
                break;
        }

        return result;
    }

    /// <summary>
    /// Keeps <paramref name="count"/> containers of <paramref name="fn"/> hot (<c>fnsharp.io/min-hot</c>), for
    /// its configuration in <paramref name="app"/>: the missing ones start now, ahead of demand (their first
    /// calls are <see cref="StartKind.Prewarmed"/>); one that dies or is killed is replaced; they never idle out
    /// and are not evicted, and each reserves the fn's memory. A new configuration (the fn or its app changed)
    /// lets the old one's containers go as usual; 0 stops keeping any. Does nothing while the runner stops.
    /// </summary>
    public void KeepHot(App app, Fn fn, int count)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(fn);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_lifetime.IsStopping)
        {
            return;
        }

        var key = SlotKey.Of(app, fn);
        string? oldKey;
        lock (_minHotLock)
        {
            oldKey = _minHot.TryGetValue(fn.Id, out var old) ? old.Key : null;
            if (count == 0)
            {
                _minHot.Remove(fn.Id);
            }
            else
            {
                _minHot[fn.Id] = new KeptHot(key, count, fn.Memory);
            }
        }

        if (oldKey is not null && oldKey != key && _slots.TryGetValue(oldKey, out var oldSlot))
        {
            oldSlot.SetMinHot(0);
            ForgetIfEmpty(oldSlot);
        }

        if (count > 0)
        {
            RunnerLog.KeepingHot(_logger, count, fn.Id);
        }

        while (true)
        {
            var slot = count > 0
                ? _slots.GetOrAdd(key, static (k, s) => new SlotQueue(k, s.App, s.Fn, s.Parts), (App: app, Fn: fn, Parts: _parts))
                : _slots.GetValueOrDefault(key);
            if (slot is null || slot.SetMinHot(count))
            {
                if (slot is not null && count == 0)
                {
                    ForgetIfEmpty(slot);
                }

                return;
            }

            _slots.TryRemove(new KeyValuePair<string, SlotQueue>(key, slot));
        }
    }

    /// <summary>Stops keeping containers of <paramref name="fnId"/> hot (its fn or app was removed): they idle out as usual.</summary>
    public void StopKeepingHot(string fnId)
    {
        KeptHot? kept;
        lock (_minHotLock)
        {
            if (_minHot.Remove(fnId, out kept) is false)
            {
                return;
            }
        }

        if (_slots.TryGetValue(kept.Key, out var slot))
        {
            slot.SetMinHot(0);
            ForgetIfEmpty(slot);
        }
    }

    /// <summary>
    /// The memory the node can still keep hot for <paramref name="fnId"/>, in MiB: the memory containers may
    /// reserve, less what <c>fnsharp.io/min-hot</c> keeps for other fns (the check of a new min-hot).
    /// </summary>
    public long MinHotAvailableMiB(string fnId)
    {
        lock (_minHotLock)
        {
            return _tracker.TotalMemoryMiB - _minHot.Where(e => e.Key != fnId).Sum(e => (long)e.Value.Count * e.Value.MemoryMiB);
        }
    }

    /// <summary>How many containers the node holds created ahead of demand, not started (<c>FN_PRECREATE_MAX</c>).</summary>
    public int PreCreatedCount => _preCreated.Count;

    /// <summary>
    /// <paramref name="fn"/> was created or updated (it is about to be called): a container of its configuration in
    /// <paramref name="app"/> is created ahead of demand, not started, when <c>FN_PRECREATE_MAX</c> and the node's free
    /// memory allow, so that its first cold start only starts it; those held for its earlier configurations are removed.
    /// The hot containers of its earlier configurations (an update of its image, memory, timeouts or config) go too: the
    /// idle ones at once, the busy ones as their calls end (<see cref="Drain"/>).
    /// Without <paramref name="createAhead"/> (a node sharing its store with others, where the load balancer sends the
    /// fn's calls to its home node, most often not the one that took the API request) none is created: a container
    /// created here would wait unused. The node that served the fn still creates one when the fn's last container goes.
    /// </summary>
    public void FnChanged(App app, Fn fn, bool createAhead = true)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(fn);
        var key = SlotKey.Of(app, fn);
        _preCreated.FnChanged(fn.Id, key, _slots.Values.Where(s => s.Fn.Id == fn.Id).Select(s => s.Key).ToList());
        Drain(_slots.Values.Where(s => s.Fn.Id == fn.Id && s.Key != key), removed: false);
        if (createAhead)
        {
            _preCreated.Offer(app, fn, key);
        }
    }

    /// <summary>
    /// The fn <paramref name="fnId"/> was removed: its containers go (<see cref="Drain"/>): the idle ones at once, through the
    /// engine operations' limit as background work, the busy ones as their calls end; the calls waiting for one of its
    /// containers get 404 (<see cref="CallStatus.FnRemoved"/>), as does a call of it that arrives later (it looked the fn
    /// up before the removal); none of its containers starts or is created ahead again.
    /// </summary>
    public void FnRemoved(string fnId)
    {
        _preCreated.FnRemoved(fnId);
        Drain(_slots.Values.Where(s => s.Fn.Id == fnId), removed: true);
    }

    /// <summary>
    /// The app was updated (its config is its fns'): the containers created ahead for configurations it changed are removed,
    /// and the hot containers of those configurations go as after a fn's update (see <see cref="FnChanged"/>).
    /// </summary>
    public void AppChanged(App app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var replaced = _slots.Values.Where(s => s.App.Id == app.Id && SlotKey.Of(app, s.Fn) != s.Key).ToList();
        _preCreated.AppChanged(app, replaced.Select(s => s.Key).ToList());
        Drain(replaced, removed: false);
    }

    /// <summary>The app <paramref name="appId"/> was removed with its fns: each of its fns goes as in <see cref="FnRemoved"/>.</summary>
    public void AppRemoved(string appId)
    {
        _preCreated.AppRemoved(appId);
        Drain(_slots.Values.Where(s => s.App.Id == appId), removed: true);
    }

    /// <summary>A snapshot of every slot queue.</summary>
    public IReadOnlyList<SlotStats> Stats() => [.. _slots.Values.Select(s => s.Stats())];

    /// <summary>
    /// Stops the agent: new calls get 503, waiting calls get 503, idle containers are removed, running
    /// calls may finish within <see cref="AgentOptions.ShutdownGraceMs"/> of this call, then every container left is
    /// killed and removed. Safe to call more than once; every call awaits the one shutdown.
    /// </summary>
    /// <param name="cancellationToken">Ends the grace period early (the host's shutdown timeout).</param>
    public Task ShutdownAsync(CancellationToken cancellationToken)
    {
        lock (_shutdownLock)
        {
            return _shutdown ??= ShutdownCoreAsync(cancellationToken);
        }
    }

    /// <summary>Shuts down (see <see cref="ShutdownAsync"/>) and frees the agent's resources.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync(CancellationToken.None);
        _metrics.Dispose();
        _containers.Dispose();
        _lifetime.Dispose();
        _nodeCpu?.Dispose();
    }

    /// <summary>
    /// Drains <paramref name="slots"/> (<see cref="SlotQueue.Drain"/>), whose fn was removed (<paramref name="removed"/>) or
    /// whose configuration was replaced: their idle containers are removed now, as background work (no call waits on
    /// them); a queue left with nothing is forgotten at once, the others once their last container is removed.
    /// </summary>
    private void Drain(IEnumerable<SlotQueue> slots, bool removed)
    {
        foreach (var slot in slots.ToList())
        {
            var (idle, busy, starting, refused) = slot.Drain(removed);
            if (removed)
            {
                RunnerLog.FnRemoved(_logger, slot.Fn.Id, idle.Count, busy, starting, refused);
            }
            else
            {
                RunnerLog.ConfigurationReplaced(_logger, slot.Fn.Id, idle.Count, busy);
            }

            foreach (var container in idle)
            {
                _lifetime.Track(_containers.RemoveAsync(container));
            }

            ForgetIfEmpty(slot);
        }
    }

    /// <summary>An admitted call: its slot queue gets it a container (or refuses it), the dispatcher runs it there.</summary>
    private async Task<CallResult> RunAsync(CallRequest call, CancellationToken cancellationToken)
    {
        var key = SlotKey.Of(call.App, call.Fn);
        while (true)
        {
            if (!_slots.TryGetValue(key, out var slot))
            {
                slot = _slots.GetOrAdd(key, static (k, s) => new SlotQueue(k, s.Call.App, s.Call.Fn, s.Parts), (Call: call, Parts: _parts));
                if (_preCreated.IsRemoved(call.App.Id, call.Fn.Id))
                {
                    // The call looked its fn up before the fn's removal, which drained the queues it saw: this one is
                    // drained too (the removal is remembered first), so that it refuses the call and starts nothing.
                    Drain([slot], removed: true);
                }
            }
            var grant = await slot.AcquireAsync(call, cancellationToken);
            if (grant.Container is { } container)
            {
                return await _dispatcher.RunAsync(container, grant.Kind, call, slot, cancellationToken);
            }

            if (grant.Refusal is { } limit)
            {
                return _admission.Refuse(call, limit, grant.RetryAfter);
            }

            if (grant.Failure is { } failure)
            {
                return failure;
            }

            // The queue retired between the lookup and the call: forget it and take a fresh one.
            _slots.TryRemove(new KeyValuePair<string, SlotQueue>(key, slot));
        }
    }

    /// <summary>Forgets <paramref name="slot"/> once it holds no container and no call; returns whether it did.</summary>
    private bool ForgetIfEmpty(SlotQueue slot)
    {
        if (!_lifetime.IsStopping && slot.TryRetire())
        {
            _slots.TryRemove(new KeyValuePair<string, SlotQueue>(slot.Key, slot));
            return true;
        }

        return false;
    }

    /// <summary>After a removal: its queue may be empty now, and the memory it freed goes to the next start in line, or starts containers that calls wait for.</summary>
    private void OnContainerRemoved(HotContainer container)
    {
        _evictor.Withdraw(container);
        _memory.Kick();
        var owner = _slots.GetValueOrDefault(container.SlotKey);
        if (owner is not null && ForgetIfEmpty(owner))
        {
            // Its fn's last container went (idle timeout, eviction, a crash): the fn was called recently, so its
            // next cold start is likely; a container created ahead makes it only a start.
            _preCreated.Offer(owner.App, owner.Fn, owner.Key);
        }

        if (!_lifetime.IsStopping)
        {
            // Its own queue may keep containers hot (min-hot): it replaces the one removed.
            owner?.Pump();
            foreach (var slot in _slots.Values)
            {
                if (slot != owner && slot.HasWaiters)
                {
                    slot.Pump();
                }
            }
        }

        _observer.StateChanged();
    }

    private async Task ShutdownCoreAsync(CancellationToken cancellationToken)
    {
        RunnerLog.Stopping(_logger, _lifetime.Running, _containers.Count);

        // The grace counts from the shutdown's start, not from after the idle containers' removal, however long that takes.
        var began = _time.GetTimestamp();
        var removedBefore = RemovedCount;
        await _lifetime.StopAsync();
        await _preCreated.RemoveAllAsync();
        var idle = _slots.Values.SelectMany(s => s.BeginShutdown()).ToList();
        await Task.WhenAll(idle.Select(_containers.RemoveAsync));
        var graceLeft = TimeSpan.FromMilliseconds(_options.ShutdownGraceMs) - _time.GetElapsedTime(began);
        if (!await _lifetime.WaitForCallsAsync(graceLeft > TimeSpan.Zero ? graceLeft : TimeSpan.Zero, _time, cancellationToken))
        {
            RunnerLog.GraceOver(_logger, _lifetime.Running);
        }

        // Kill what is left, then wait for launches and removals in flight, which remove their own containers.
        while (_containers.Count > 0 || _lifetime.HasBackground)
        {
            await Task.WhenAll(_containers.Snapshot().Select(_containers.RemoveAsync));
            await _lifetime.BackgroundAsync();
        }

        // Only what the engine removed is counted: a removal that failed (the engine does not answer) is tried once more, then
        // named; the node's containers nobody was handed are swept by label, and "none left" is said only when that sweep answered.
        var (notRemoved, swept) = await _containers.RetryFailedRemovalsAsync();
        notRemoved = [.. notRemoved, .. await _preCreated.RetryFailedRemovalsAsync()];
        var removed = RemovedCount - removedBefore;
        if (notRemoved.Count > 0)
        {
            RunnerLog.StoppedWithLeftovers(_logger, removed, notRemoved.Count, string.Join(", ", notRemoved));
        }
        else if (!_driver.OwnsNodeContainers)
        {
            // Refused at start-up for a node name another server holds: it swept nothing, and what is left is the other's.
            RunnerLog.StoppedNotOwner(_logger, removed);
        }
        else if (!swept)
        {
            RunnerLog.StoppedUnswept(_logger, removed);
        }
        else
        {
            RunnerLog.Stopped(_logger, removed);
        }
    }

    /// <summary>The containers removed from the engine so far: the runner's, orphans swept and those created ahead.</summary>
    private long RemovedCount => _containers.RemovedCount + _preCreated.RemovedCount;

    private static HostResources Detect(IOptions<AgentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        return HostResources.Detect(Environment.ProcessorCount, o.MemoryHeadroomMiB, o.MaxTotalMemoryBytes, o.MaxTotalCpuMilliCpus);
    }
}
