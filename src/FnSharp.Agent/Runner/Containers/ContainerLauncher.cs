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
/// start, until the socket is ready; log line). A failed start leaves nothing behind. While the container engine does not answer, starts back off
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
    private readonly Evictor _evictor;
    private readonly LiveContainers _containers;
    private readonly RunnerLifetime _lifetime;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly MovingAverage _startMs = new();
    private readonly EngineBackoff _engine;
    private int _backlog;

    public ContainerLauncher(IContainerDriver driver, ContainerOpsLimiter ops, ResourceTracker tracker, Evictor evictor, LiveContainers containers, RunnerLifetime lifetime, AgentMetrics metrics, TimeProvider time, ILogger logger)
    {
        _driver = driver;
        _ops = ops;
        _tracker = tracker;
        _evictor = evictor;
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

    /// <summary>Container starts asked (their memory reserved) and not finished: waiting for the operations limit or running.</summary>
    public int Backlog => Volatile.Read(ref _backlog);

    /// <summary>
    /// When a start asked now would finish: the backlog ahead of it goes through the operations limit at the
    /// measured start rate (the limit's width per average start time, the average taken under the same
    /// contention), then its own start takes one average start time.
    /// </summary>
    public TimeSpan ReadyIn() => ReadyIn(Backlog);

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
    /// Never throws; a stop of the runner cancels the start.
    /// </summary>
    public async Task<Launch> LaunchAsync(App app, Fn fn, string slotKey, bool asyncPool, bool ahead = false)
    {
        var turn = _engine.Begin();
        if (turn == EngineBackoff.Turn.Wait)
        {
            // The engine does not answer: no call to it until the back-off ends (no start counted either).
            return Launch.Failed(ContainerStartError.EngineUnavailable, detail: null);
        }

        var memory = (long)fn.Memory;
        if (!_tracker.TryReserve(memory, asyncPool) && !await _evictor.TryReserveAsync(slotKey, fn.Id, memory, asyncPool))
        {
            _engine.Abandon(turn);
            RunnerLog.NoMemory(_logger, fn.Id, memory);
            return Launch.NoMemory;
        }

        Interlocked.Increment(ref _backlog);
        try
        {
            return await StartAsync(app, fn, slotKey, asyncPool, ahead, memory, turn);
        }
        finally
        {
            Interlocked.Decrement(ref _backlog);
        }
    }

    private async Task<Launch> StartAsync(App app, Fn fn, string slotKey, bool asyncPool, bool ahead, long memory, EngineBackoff.Turn turn)
    {
        var fnTag = AgentMetrics.Fn(fn.Id);
        var began = _time.GetTimestamp();
        var spec = new ContainerSpec
        {
            Image = fn.Image,
            AppId = app.Id,
            FnId = fn.Id,
            MemoryMiB = fn.Memory,
            PullAlways = FnSharpAnnotations.PullAlwaysOf(fn.Annotations) is true,
            Environment = ContainerEnvironment.Build(app, fn),
        };
        HotContainer? hot = null;
        var stopping = _lifetime.StoppingToken;
        using var startSpan = AgentTracing.Start("fnsharp.container_start", fn.Id);
        startSpan?.SetTag("fnsharp.start_ahead", ahead);
        TimeSpan createTime = default, startTime = default;
        try
        {
            // Create and start under one place in the limit, so that starts finish in the order they were asked.
            await _ops.RunAsync(
                async () =>
                {
                    var at = _time.GetTimestamp();
                    var created = await _driver.CreateAsync(spec, stopping);
                    createTime = _time.GetElapsedTime(at);
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
            if (hot is not null)
            {
                await _containers.RemoveAsync(hot);
            }
            else
            {
                _tracker.Release(memory, asyncPool);
            }

            var error = e is ContainerStartException start ? start.Error : ContainerStartError.InitFailed;
            if (_lifetime.IsStopping)
            {
                _engine.Abandon(turn);
            }
            else if (error == ContainerStartError.EngineUnavailable)
            {
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
            return Launch.Failed(error, (e as ContainerStartException)?.Message);
        }

        EngineReached();

        // Set inside the operation, which ended without an exception.
        var started = hot!;
        var elapsed = _time.GetElapsedTime(began);
        var elapsedMs = elapsed.TotalMilliseconds;
        var phases = Phases(createTime, startTime, started.Container.ReadyWait);
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

    private void EngineReached()
    {
        if (_engine.Reached() is { } outage)
        {
            RunnerLog.EngineAnswers(_logger, outage.TotalMilliseconds);
        }
    }

    /// <summary>
    /// The phases of a start (pure): the driver's create, then its start split into the engine's part and the
    /// wait for the socket the container reports (never more than the whole start).
    /// </summary>
    public static ContainerStartPhases Phases(TimeSpan create, TimeSpan start, TimeSpan readyWait)
    {
        var ready = readyWait < TimeSpan.Zero ? TimeSpan.Zero : readyWait > start ? start : readyWait;
        return new ContainerStartPhases(create.TotalMilliseconds, (start - ready).TotalMilliseconds, ready.TotalMilliseconds);
    }
}
