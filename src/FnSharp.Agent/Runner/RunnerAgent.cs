using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Resources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FnSharp.Agent.Runner;

/// <summary>
/// The runner (Fn's <c>agent</c>, redesigned): a slot queue per fn and configuration with its own
/// launch policy, hot containers reused last-in first-out, a global bound on container operations,
/// memory reservations with eviction of other fns' idle containers, bounded waiting (503 with
/// <c>Retry-After</c>), idle timeouts and pausing, and a graceful shutdown that leaves no container.
/// </summary>
public sealed partial class RunnerAgent : IAgent, IAsyncDisposable
{
    /// <summary>The meter the runner records on (<c>FnSharp.Agent</c>); <c>docs/metrics.md</c> lists its instruments.</summary>
    public const string MeterName = AgentMetrics.MeterName;

    // Assumed start time of a container before any was measured on this node, in ms.
    private const double DefaultStartEstimateMs = 500;

    private readonly ConcurrentDictionary<string, SlotQueue> _slots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<HotContainer, byte> _live = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly Lock _evictLock = new();
    private readonly Lock _statsLock = new();
    private readonly Lock _shutdownLock = new();
    private readonly MovingAverage _startMs = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _queued;
    private int _running;
    private Task? _shutdown;

    /// <summary>Creates the agent on <paramref name="driver"/>, with the memory and CPU of this host (see <see cref="HostResources.Detect"/>).</summary>
    public RunnerAgent(IContainerDriver driver, IOptions<AgentOptions> options, TimeProvider time, ILogger<RunnerAgent> logger, IMeterFactory? meterFactory = null)
        : this(driver, Detect(options), options.Value, time, logger, meterFactory)
    {
    }

    /// <summary>Creates the agent with given resources (tests use this to fix the memory).</summary>
    internal RunnerAgent(IContainerDriver driver, HostResources resources, AgentOptions options, TimeProvider time, ILogger logger, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        Driver = driver;
        Options = options;
        Time = time;
        Logger = logger;
        Tracker = new ResourceTracker(resources, options.AsyncMemoryShare);
        Ops = new ContainerOpsLimiter(options.MaxContainerOps);
        Metrics = new AgentMetrics(meterFactory, () => Tracker.ReservedMiB, () => Tracker.TotalMemoryMiB, () => Tracker.TotalCpuMilliCpus, () => _slots.Values.Select(s => s.Stats()));
        LogResources(logger, resources.TotalMemoryMiB, resources.TotalCpuMilliCpus, options.MaxContainerOps);
    }

    /// <summary>Memory containers may reserve in total, in MiB.</summary>
    public long TotalMemoryMiB => Tracker.TotalMemoryMiB;

    /// <summary>Memory containers reserve now, in MiB.</summary>
    public long ReservedMemoryMiB => Tracker.ReservedMiB;

    /// <summary>The node's CPU, in milli-CPUs (1000 = one core).</summary>
    public long TotalCpuMilliCpus => Tracker.TotalCpuMilliCpus;

    internal IContainerDriver Driver { get; }

    internal AgentOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal ResourceTracker Tracker { get; }

    internal ContainerOpsLimiter Ops { get; }

    internal AgentMetrics Metrics { get; }

    internal bool IsStopping => _stopping.IsCancellationRequested;

    internal CancellationToken StoppingToken => _stopping.Token;

    /// <summary>Containers created and not yet removed.</summary>
    internal int LiveContainers => _live.Count;

    internal double StartEstimateMs
    {
        get
        {
            lock (_statsLock)
            {
                return _startMs.Value ?? DefaultStartEstimateMs;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<CallResult> SubmitAsync(CallRequest call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        Metrics.Calls.Add(1, AgentMetrics.Fn(call.Fn.Id));
        CallResult result;
        if (IsStopping)
        {
            result = Refuse(call, TooBusyLimit.ShuttingDown);
        }
        else if (!Tracker.CanEverFit(call.Fn.Memory, call.IsAsync))
        {
            LogCannotAllocate(Logger, call.CallId, call.Fn.Id, call.Fn.Memory, call.IsAsync ? Tracker.AsyncMemoryMiB : Tracker.TotalMemoryMiB);
            result = CallResult.Failed(CallStatus.CannotAllocate, CallErrors.CannotAllocate);
        }
        else
        {
            var key = SlotKey.Of(call.App, call.Fn);
            CallResult? answer;
            do
            {
                var slot = _slots.GetOrAdd(key, static (k, c) => new SlotQueue(c.Agent, k, c.Call.App, c.Call.Fn), (Agent: this, Call: call));
                answer = await slot.SubmitAsync(call, cancellationToken);
                if (answer is null)
                {
                    // The queue retired between the lookup and the call: forget it and take a fresh one.
                    _slots.TryRemove(new KeyValuePair<string, SlotQueue>(key, slot));
                }
            }
            while (answer is null);

            result = answer;
        }

        var fnTag = AgentMetrics.Fn(call.Fn.Id);
        Metrics.Completed.Add(1, fnTag, new("status", AgentMetrics.Label(result.Status)));
        switch (result.Status)
        {
            case CallStatus.Success or CallStatus.TooBusy:
                break;
            case CallStatus.TimedOut:
                Metrics.Timeouts.Add(1, fnTag);
                break;
            default:
                Metrics.Errors.Add(1, fnTag, new("kind", AgentMetrics.Label(result.Status)));
                break;
        }

        return result;
    }

    /// <summary>A snapshot of every slot queue.</summary>
    public IReadOnlyList<SlotStats> Stats() => [.. _slots.Values.Select(s => s.Stats())];

    /// <summary>
    /// Stops the agent: new calls get 503, waiting calls get 503, idle containers are removed, running
    /// calls may finish within <see cref="AgentOptions.ShutdownGraceMs"/>, then every container left is
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
        Metrics.Dispose();
        Ops.Dispose();
        _stopping.Dispose();
    }

    /// <summary>Called after each change of a slot queue's state (tests wait on it instead of polling).</summary>
    internal Action? StateChanged { get; set; }

    internal void Changed() => StateChanged?.Invoke();

    internal CallResult TooBusy() => CallResult.TooBusy(TimeSpan.FromSeconds(Options.RetryAfterSeconds));

    /// <summary>Refuses <paramref name="call"/> as too busy: one log line and one count naming the limit.</summary>
    internal CallResult Refuse(CallRequest call, TooBusyLimit limit)
    {
        Metrics.TooBusy.Add(1, AgentMetrics.Fn(call.Fn.Id), new("limit", AgentMetrics.Label(limit)));
        switch (limit)
        {
            case TooBusyLimit.WaitTime:
                LogRefusedWaitTime(Logger, call.CallId, call.Fn.Id, Options.MaxWaitMs);
                break;
            case TooBusyLimit.FnQueue:
                LogRefusedFnQueue(Logger, call.CallId, call.Fn.Id, Options.MaxQueuedPerFn);
                break;
            case TooBusyLimit.TotalQueue:
                LogRefusedTotalQueue(Logger, call.CallId, call.Fn.Id, Options.MaxQueuedTotal);
                break;
            default:
                LogRefusedShuttingDown(Logger, call.CallId, call.Fn.Id);
                break;
        }

        return TooBusy();
    }

    internal bool TryEnterQueue()
    {
        var queued = Volatile.Read(ref _queued);
        while (queued < Options.MaxQueuedTotal)
        {
            var seen = Interlocked.CompareExchange(ref _queued, queued + 1, queued);
            if (seen == queued)
            {
                return true;
            }

            queued = seen;
        }

        return false;
    }

    internal void LeaveQueue() => Interlocked.Decrement(ref _queued);

    internal void CallAssigned() => Interlocked.Increment(ref _running);

    internal void CallReleased()
    {
        if (Interlocked.Decrement(ref _running) == 0 && IsStopping)
        {
            _drained.TrySetResult();
        }
    }

    internal void ObserveStart(double elapsedMs)
    {
        lock (_statsLock)
        {
            _startMs.Add(elapsedMs);
        }
    }

    /// <summary>Forgets <paramref name="slot"/> once it holds no container and no call.</summary>
    internal void RetireIfEmpty(SlotQueue slot)
    {
        if (!IsStopping && slot.TryRetire())
        {
            _slots.TryRemove(new KeyValuePair<string, SlotQueue>(slot.Key, slot));
        }
    }

    internal void RegisterLive(HotContainer container) => _live.TryAdd(container, 0);

    /// <summary>Keeps a background task (launch, removal) so that shutdown can await it. The task never throws.</summary>
    internal void Track(Task task)
    {
        _background.TryAdd(task, 0);
        task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _background, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Removes a container once (through the operations limit), frees its memory and lets waiting calls use it.</summary>
    internal Task RemoveContainerAsync(HotContainer container) => container.RemoveOnce(RemoveCoreAsync);

    private async Task RemoveCoreAsync(HotContainer container)
    {
        try
        {
            container.Client?.Dispose();
            if (container.Pause is { } pause && await pause)
            {
                await ThawBeforeRemovalAsync(container);
            }

            await Ops.RunAsync(() => container.Container.RemoveAsync(CancellationToken.None), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRemoveFailed(Logger, e, container.Container.Id);
        }
        finally
        {
            Tracker.Release(container.MemoryMiB, container.AsyncPool);
            _live.TryRemove(container, out _);
        }

        RetireIfEmpty(container.Owner);
        OnMemoryReleased();
        Changed();
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
            LogRemoveFailed(Logger, e, container.Container.Id);
        }
    }

    /// <summary>
    /// Frees <paramref name="memoryMiB"/> for <paramref name="requester"/> by removing idle containers
    /// of other fns, least recently used first, if that frees enough; then reserves it. Busy
    /// containers are never evicted. Every container frees total memory, but only one started for
    /// async calls frees room in the async share: for an async launch, a sync container is evicted only
    /// while total memory is the binding limit, and nothing is evicted when all that could help would
    /// not make room in both.
    /// </summary>
    internal async Task<bool> TryEvictAsync(SlotQueue requester, long memoryMiB, bool asyncPool)
    {
        var taken = new List<(SlotQueue Slot, HotContainer Container)>();
        lock (_evictLock)
        {
            var (freeTotal, freeAsync) = Tracker.Free();
            var candidates = _slots.Values
                .Where(s => s != requester)
                .SelectMany(s => s.SnapshotIdle().Select(c => (Slot: s, Container: c, c.LastUsed)))
                .OrderBy(c => c.LastUsed)
                .ToList();
            var chosen = new List<(SlotQueue Slot, HotContainer Container)>();
            var freedTotal = 0L;
            var freedAsync = 0L;
            foreach (var candidate in candidates)
            {
                // What is still missing from each limit; a sync launch has only the total.
                var totalShort = memoryMiB - (freeTotal + freedTotal);
                var asyncShort = asyncPool ? memoryMiB - (freeAsync + freedAsync) : 0;
                if (totalShort <= 0 && asyncShort <= 0)
                {
                    break;
                }

                if (!candidate.Container.AsyncPool && totalShort <= asyncShort)
                {
                    // The async share is the binding limit, and a sync container frees none of it.
                    continue;
                }

                chosen.Add((candidate.Slot, candidate.Container));
                freedTotal += candidate.Container.MemoryMiB;
                if (candidate.Container.AsyncPool)
                {
                    freedAsync += candidate.Container.MemoryMiB;
                }
            }

            if (freeTotal + freedTotal < memoryMiB || (asyncPool && freeAsync + freedAsync < memoryMiB))
            {
                return false;
            }

            foreach (var (slot, container) in chosen)
            {
                if (slot.TryTakeForEviction(container))
                {
                    taken.Add((slot, container));
                }
            }
        }

        foreach (var (slot, container) in taken)
        {
            Metrics.Evictions.Add(1, AgentMetrics.Fn(container.FnId));
            LogEvicted(Logger, container.Container.Id, container.FnId, requester.Fn.Id);
        }

        await Task.WhenAll(taken.Select(t => RemoveContainerAsync(t.Container)));
        return Tracker.TryReserve(memoryMiB, asyncPool);
    }

    private void OnMemoryReleased()
    {
        if (IsStopping)
        {
            return;
        }

        foreach (var slot in _slots.Values)
        {
            if (slot.HasWaiters)
            {
                slot.Pump();
            }
        }
    }

    private async Task ShutdownCoreAsync(CancellationToken cancellationToken)
    {
        LogShuttingDown(Logger, Volatile.Read(ref _running), _live.Count);
        await _stopping.CancelAsync();
        var idle = _slots.Values.SelectMany(s => s.BeginShutdown()).ToList();
        await Task.WhenAll(idle.Select(RemoveContainerAsync));
        if (Volatile.Read(ref _running) == 0)
        {
            _drained.TrySetResult();
        }

        try
        {
            await _drained.Task.WaitAsync(TimeSpan.FromMilliseconds(Options.ShutdownGraceMs), Time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            LogGraceOver(Logger, Volatile.Read(ref _running));
        }

        // Kill what is left, then wait for launches and removals in flight, which remove their own containers.
        var removed = 0;
        while (!_live.IsEmpty || !_background.IsEmpty)
        {
            var left = _live.Keys.ToList();
            removed += left.Count;
            await Task.WhenAll(left.Select(RemoveContainerAsync));
            await Task.WhenAll(_background.Keys.ToList());
        }

        LogShutDown(Logger, removed + idle.Count);
    }

    private static HostResources Detect(IOptions<AgentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        return HostResources.Detect(Environment.ProcessorCount, o.MemoryHeadroomMiB, o.MaxTotalMemoryBytes, o.MaxTotalCpuMilliCpus);
    }
}
