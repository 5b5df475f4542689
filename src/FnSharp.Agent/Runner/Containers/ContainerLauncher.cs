using System.Diagnostics;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Agent.Resources;
using FnSharp.Agent.Runner.Eviction;
using FnSharp.Core.Models;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Containers;

/// <summary>
/// Gets a slot queue a started container: reserves its memory (through the evictor when the node is
/// short), creates and starts it through the container operations limit with the environment of the
/// contract, adds it to the live containers, and reports the start (span, count, duration, its phases: create,
/// start, until the socket is ready; log line). A container created ahead of demand for the same configuration
/// (<see cref="PreCreatedContainers"/>) is only started: its <c>create</c> phase is 0. A failed start leaves nothing behind. While the container engine does not answer, starts back off
/// (<see cref="EngineBackoff"/>) and fail at once with <see cref="ContainerStartError.EngineUnavailable"/>. It keeps the node's moving average of start times, the estimate of
/// a queue that has started none yet. It knows no queue: the queue that asked gets the container back.
/// <para>
/// Starts run in the order they were asked for: a start takes one place in the operations limit for its
/// create and its start together, and the limit serves its waiters first in, first out. So a burst across
/// many fns finishes the first starts at the engine's pace instead of spreading the engine over every
/// waiting fn (where each start is slowed by all the others and few finish within their callers' waits).
/// A start never depends on its caller: one whose caller left still yields a hot container.
/// The starts asked and not finished are the start backlog, from which <see cref="ReadyIn()"/> estimates when
/// a start asked now would finish.
/// </para>
/// </summary>
internal sealed class ContainerLauncher
{
    // Assumed start time of a container before any was measured on this node, in ms.
    private const double DefaultStartEstimateMs = 500;

    private readonly IContainerDriver _driver;
    private readonly ContainerOpsLimiter _ops;
    private readonly ResourceTracker _tracker;
    private readonly MemoryLine _memory;
    private readonly LiveContainers _containers;
    private readonly RunnerLifetime _lifetime;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly MovingAverage _startMs = new();
    private readonly EngineBackoff _engine;
    private readonly PreCreatedContainers _preCreated;
    private int _backlog;

    public ContainerLauncher(IContainerDriver driver, ContainerOpsLimiter ops, ResourceTracker tracker, MemoryLine memory, LiveContainers containers, PreCreatedContainers preCreated, RunnerLifetime lifetime, AgentMetrics metrics, TimeProvider time, ILogger logger)
    {
        _driver = driver;
        _preCreated = preCreated;
        _ops = ops;
        _tracker = tracker;
        _memory = memory;
        _containers = containers;
        _lifetime = lifetime;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _engine = new EngineBackoff(time);
    }

    /// <summary>
    /// The node's moving average of container start times, in ms (a default before the first start): the time
    /// a start holds its place in the operations limit, from its create until its socket is ready, measured
    /// under the contention of the other places; its wait for a place is not in it.
    /// </summary>
    public double StartEstimateMs
    {
        get
        {
            lock (_lock)
            {
                return _startMs.Value ?? DefaultStartEstimateMs;
            }
        }
    }

    /// <summary>Container starts asked and not finished: waiting for their memory, for the operations limit, or running.</summary>
    public int Backlog => Volatile.Read(ref _backlog);

    /// <summary>
    /// When a start asked now would finish: the backlog ahead of it goes through the operations limit at the
    /// measured start rate (the limit's width per average start time, the average taken under the same
    /// contention), then its own start takes one average start time.
    /// </summary>
    public TimeSpan ReadyIn() => ReadyIn(Backlog);

    /// <summary>
    /// When the start of the slot queue <paramref name="slotKey"/> that waits in line for memory would finish: the starts
    /// that hold their memory and those ahead of it in line go first, at the measured start rate (memory is freed about
    /// as fast as containers start, each one serving its call and then idle, so evictable); <see langword="null"/> when
    /// none of its starts waits for memory.
    /// </summary>
    public TimeSpan? ReadyInBehindMemory(string slotKey) =>
        _memory.PlaceOf(slotKey) is var (ahead, waiting) ? ReadyIn(Backlog - waiting + ahead) : null;

    /// <summary>When a start with <paramref name="ahead"/> starts before it would finish (see <see cref="ReadyIn()"/>).</summary>
    public TimeSpan ReadyIn(int ahead)
    {
        var rounds = (Math.Max(0, ahead) / _ops.Limit) + 1;
        return TimeSpan.FromMilliseconds(rounds * StartEstimateMs);
    }

    /// <summary>
    /// Starts a container of <paramref name="fn"/> for the slot queue <paramref name="slotKey"/>, its memory
    /// counted against the async share when <paramref name="asyncPool"/>; <paramref name="ahead"/> when no
    /// call waits for it (min-hot, a pre-warm), so that its first call is <see cref="StartKind.Prewarmed"/>.
    /// Its memory is reserved in the order starts were asked (<see cref="MemoryLine"/>): when the node is short,
    /// the start waits in line, and <paramref name="memoryWait"/> hears so (true), and again when it leaves the
    /// line (false: its memory reserved, or the runner stops). Without <paramref name="evict"/> it takes only free
    /// memory, and only when no start waits in line (a pre-warm never evicts another fn's container nor jumps the
    /// line): <see cref="Launch.NoMemory"/> at once otherwise. Never throws; a stop of the runner cancels the start
    /// (<see cref="Launch.NoMemory"/> while it waited for memory, as when its queue withdraws it).
    /// </summary>
    public async Task<Launch> LaunchAsync(App app, Fn fn, string slotKey, bool asyncPool, bool ahead = false, Action<bool>? memoryWait = null, bool evict = true)
    {
        var memory = (long)fn.Memory;
        Interlocked.Increment(ref _backlog);
        try
        {
            if (!evict)
            {
                if (_memory.Count > 0 || !_tracker.TryReserve(memory, asyncPool))
                {
                    // Counted by the caller's pre-warm metric (result no_memory); no start waits, so no line is logged.
                    return Launch.NoMemory;
                }
            }

            var waited = false;
            var reserved = !evict || await _memory.ReserveAsync(
                slotKey,
                fn.Id,
                memory,
                asyncPool,
                ahead =>
                {
                    waited = true;
                    RunnerLog.NoMemory(_logger, fn.Id, memory, ahead);
                    memoryWait?.Invoke(true);
                },
                _lifetime.StoppingToken);
            if (waited)
            {
                memoryWait?.Invoke(false);
            }

            if (!reserved)
            {
                return Launch.NoMemory;
            }

            var turn = _engine.Begin();
            if (turn == EngineBackoff.Turn.Wait)
            {
                // The engine does not answer: no call to it until the back-off ends.
                ReleaseMemory(memory, asyncPool);
                return Launch.Failed(ContainerStartError.EngineUnavailable, exception: null);
            }

            return await StartAsync(app, fn, slotKey, asyncPool, ahead, memory, turn);
        }
        finally
        {
            Interlocked.Decrement(ref _backlog);
        }
    }

    /// <summary>Withdraws the starts of the slot queue <paramref name="slotKey"/> that wait for memory: its calls no longer need them (they end as <see cref="Launch.NoMemory"/>).</summary>
    public void WithdrawMemoryWaits(string slotKey) => _memory.Withdraw(slotKey);

    /// <summary>Gives back the memory of a start that created nothing, to the next start in line.</summary>
    private void ReleaseMemory(long memory, bool asyncPool)
    {
        _tracker.Release(memory, asyncPool);
        _memory.Kick();
    }

    private async Task<Launch> StartAsync(App app, Fn fn, string slotKey, bool asyncPool, bool ahead, long memory, EngineBackoff.Turn turn)
    {
        var fnTag = AgentMetrics.Fn(fn.Id);
        var began = _time.GetTimestamp();
        var spec = SpecOf(app, fn);
        HotContainer? hot = null;
        var stopping = _lifetime.StoppingToken;
        using var startSpan = AgentTracing.Start("fnsharp.container_start", fn.Id);
        startSpan?.SetTag("fnsharp.start_ahead", ahead);
        TimeSpan createTime = default, startTime = default;
        IFnContainer? preCreated = null;
        try
        {
            // A container created ahead of demand is taken outside the limit: its own create may still hold a place there.
            preCreated = await _preCreated.TryTakeAsync(slotKey);
            startSpan?.SetTag("fnsharp.precreated", preCreated is not null);

            // Create and start under one place in the limit, so that starts finish in the order they were asked.
            await _ops.RunAsync(
                ContainerOpKind.Start,
                async () =>
                {
                    var at = _time.GetTimestamp();
                    var created = preCreated ?? await _driver.CreateAsync(spec, stopping);
                    createTime = preCreated is null ? _time.GetElapsedTime(at) : TimeSpan.Zero;
                    hot = new HotContainer(created, slotKey, fn.Id, memory, asyncPool, _time, _logger) { StartedAhead = ahead };
                    _containers.Add(hot);
                    at = _time.GetTimestamp();
                    await created.StartAsync(stopping);
                    startTime = _time.GetElapsedTime(at);
                },
                stopping);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            startSpan?.SetStatus(ActivityStatusCode.Error, e.Message);
            startSpan?.Dispose();
            var error = e is ContainerStartException start ? start.Error : ContainerStartError.InitFailed;
            if (hot is not null)
            {
                var removal = _containers.RemoveAsync(hot);
                if (error != ContainerStartError.EngineUnavailable)
                {
                    await removal;
                }

                // Else the removal goes on behind: on an engine that does not answer it takes its own API timeout,
                // which would hold the callers' engine-unavailable 503 past their wait (they got 'too busy' instead).
                // A removal that fails is retried once the engine answers (LiveContainers).
            }
            else
            {
                ReleaseMemory(memory, asyncPool);
                if (preCreated is not null)
                {
                    // Taken, then the stop came before it was started: nobody else knows it.
                    await _preCreated.RemoveAsync(preCreated, fn.Id);
                }
            }

            if (_lifetime.IsStopping)
            {
                _engine.Abandon(turn);
            }
            else if (error == ContainerStartError.NodeFault)
            {
                // Failed on the node's side before the engine was asked: it tells nothing of the engine.
                _engine.Abandon(turn);
                RunnerLog.NodeFault(_logger, fn.Id, e.Message);
            }
            else if (error == ContainerStartError.EngineUnavailable)
            {
                if (hot is null)
                {
                    // The creation went unanswered: the engine may have made the container all the same.
                    _containers.SweepOrphansSoon();
                }

                if (_engine.Unreachable(turn) is { } backoff)
                {
                    RunnerLog.EngineUnavailable(_logger, e, backoff.TotalMilliseconds, EngineBackoff.Max.TotalMilliseconds);
                }
            }
            else
            {
                EngineReached();
                RunnerLog.ContainerStartFailed(_logger, e, fn.Id, fn.Image, error);
            }

            _metrics.ContainerStarts.Add(1, fnTag, new("result", "failed"));
            return Launch.Failed(error, e as ContainerStartException);
        }

        EngineReached();

        // Set inside the operation, which ended without an exception.
        var started = hot!;
        var elapsed = _time.GetElapsedTime(began);
        var elapsedMs = elapsed.TotalMilliseconds;
        var phases = Phases(createTime, startTime, started.Container.ReadyWait, preCreated is null ? started.Container.PullTime : TimeSpan.Zero);
        started.StartPhases = phases;
        startSpan?.SetTag("container_id", started.Container.Id);
        AgentTracing.TagPhases(startSpan, phases);
        startSpan?.Dispose();
        _metrics.ContainerStarts.Add(1, fnTag, new("result", "started"));
        _metrics.ContainerStartDuration.Record(elapsed.TotalSeconds, fnTag);
        _metrics.RecordStartPhases(phases, fnTag);
        RunnerLog.ContainerStarted(_logger, started.Container.Id, fn.Id, elapsedMs);
        lock (_lock)
        {
            // The estimate is the time a start holds its place in the operations limit (create, start, ready),
            // not its wait for the place: ReadyIn counts the wait from the backlog already, and a burst's wait
            // in the estimate would count it twice (the 100-fn burst refused calls it could have served).
            _startMs.Add((createTime + startTime).TotalMilliseconds);
        }

        return Launch.Started(started, elapsedMs);
    }

    /// <summary>What the driver needs to create a container of <paramref name="fn"/> in <paramref name="app"/>: its image, memory, labels and the contract's environment.</summary>
    public static ContainerSpec SpecOf(App app, Fn fn) => new()
    {
        Image = fn.Image,
        AppId = app.Id,
        FnId = fn.Id,
        MemoryMiB = fn.Memory,
        PullAlways = FnSharpAnnotations.PullAlwaysOf(fn.Annotations) is true,
        Environment = ContainerEnvironment.Build(app, fn),
    };

    private void EngineReached()
    {
        if (_engine.Reached() is { } outage)
        {
            RunnerLog.EngineAnswers(_logger, outage.TotalMilliseconds);

            // An engine that hung rather than went down does what it was asked once it answers again, creations whose
            // callers gave up included: those may have appeared after the sweeps of the outage, so one more.
            _containers.SweepOrphansSoon();
        }
    }

    /// <summary>
    /// The phases of a start (pure): the driver's create split into the wait for a pull it reports and the rest,
    /// then its start split into the engine's part and the wait for the socket the container reports (each
    /// reported part never more than its whole).
    /// </summary>
    public static ContainerStartPhases Phases(TimeSpan create, TimeSpan start, TimeSpan readyWait, TimeSpan pull = default)
    {
        var ready = Within(readyWait, start);
        var pulled = Within(pull, create);
        return new ContainerStartPhases((create - pulled).TotalMilliseconds, (start - ready).TotalMilliseconds, ready.TotalMilliseconds) { PullMs = pulled.TotalMilliseconds };
    }

    private static TimeSpan Within(TimeSpan part, TimeSpan whole) => part < TimeSpan.Zero ? TimeSpan.Zero : part > whole ? whole : part;
}
