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
/// contract, adds it to the live containers, and reports the start (span, count, duration, log line). A
/// failed start leaves nothing behind. It keeps the node's moving average of start times, the estimate of
/// a queue that has started none yet. It knows no queue: the queue that asked gets the container back.
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
    }

    /// <summary>The node's moving average of container start times, in ms (a default before the first start).</summary>
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

    /// <summary>
    /// Starts a container of <paramref name="fn"/> for the slot queue <paramref name="slotKey"/>, its memory
    /// counted against the async share when <paramref name="asyncPool"/>. Never throws; a stop of the runner
    /// cancels the start.
    /// </summary>
    public async Task<Launch> LaunchAsync(App app, Fn fn, string slotKey, bool asyncPool)
    {
        var memory = (long)fn.Memory;
        if (!_tracker.TryReserve(memory, asyncPool) && !await _evictor.TryReserveAsync(slotKey, fn.Id, memory, asyncPool))
        {
            RunnerLog.NoMemory(_logger, fn.Id, memory);
            return Launch.NoMemory;
        }

        var fnTag = AgentMetrics.Fn(fn.Id);
        var began = _time.GetTimestamp();
        var spec = new ContainerSpec
        {
            Image = fn.Image,
            AppId = app.Id,
            FnId = fn.Id,
            MemoryMiB = fn.Memory,
            Environment = ContainerEnvironment.Build(app, fn),
        };
        HotContainer? hot = null;
        var stopping = _lifetime.StoppingToken;
        using var startSpan = AgentTracing.Start("fnsharp.container_start", fn.Id);
        try
        {
            var created = await _ops.RunAsync(() => _driver.CreateAsync(spec, stopping), stopping);
            hot = new HotContainer(created, slotKey, fn.Id, memory, asyncPool, _time, _logger);
            _containers.Add(hot);
            await _ops.RunAsync(() => created.StartAsync(stopping), stopping);
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
            if (!_lifetime.IsStopping)
            {
                RunnerLog.ContainerStartFailed(_logger, e, fn.Id, fn.Image, error);
            }

            _metrics.ContainerStarts.Add(1, fnTag, new("result", "failed"));
            return Launch.Failed(error);
        }

        var elapsed = _time.GetElapsedTime(began);
        var elapsedMs = elapsed.TotalMilliseconds;
        startSpan?.SetTag("container_id", hot.Container.Id);
        startSpan?.Dispose();
        _metrics.ContainerStarts.Add(1, fnTag, new("result", "started"));
        _metrics.ContainerStartDuration.Record(elapsed.TotalSeconds, fnTag);
        RunnerLog.ContainerStarted(_logger, hot.Container.Id, fn.Id, elapsedMs);
        lock (_lock)
        {
            _startMs.Add(elapsedMs);
        }

        return Launch.Started(hot, elapsedMs);
    }
}
