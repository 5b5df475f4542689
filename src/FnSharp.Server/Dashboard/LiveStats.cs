using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace FnSharp.Server.Dashboard;

/// <summary>
/// The live statistics behind <c>GET /v2/stats</c> and the dashboard's live view: a
/// <see cref="MeterListener"/> on this host's runner meter (<c>FnSharp.Agent</c>, the instruments of
/// <c>docs/metrics.md</c>) counts calls, errors and durations per fn into lock-free accumulators; once a
/// second a timer drains them, reads the runner's containers and memory, and keeps the result in a ring of
/// <see cref="WindowSeconds"/> one-second samples for the node and for each active fn. Nothing here runs
/// on a call's path but the listener's callbacks, which are a dictionary lookup and interlocked counts.
/// </summary>
internal sealed partial class LiveStats : IHostedService, IDisposable
{
    /// <summary>How many seconds of samples are kept (5 minutes).</summary>
    public const int WindowSeconds = 300;

    /// <summary>How many of the last seconds a summary adds up.</summary>
    public const int SummarySeconds = 60;

    /// <summary>
    /// The most fns followed one by one (each costs a few KiB); calls of further fns count for the node
    /// only, until a followed fn has been idle for <see cref="WindowSeconds"/> and is forgotten.
    /// </summary>
    public const int MaxTrackedFns = 1000;

    /// <summary>The most fns listed in the node's answer.</summary>
    public const int MaxListedFns = 50;

    // The runner's instruments read here, by their Prometheus names (docs/metrics.md).
    private const string CompletedInstrument = "fnsharp_calls_completed_total";
    private const string ExecutionInstrument = "fnsharp_call_execution_seconds";
    private const string WaitInstrument = "fnsharp_call_queue_wait_seconds";
    private const string AgentMeter = FnSharp.Agent.Runner.RunnerAgent.MeterName;

    // The listener's state per instrument, told apart by reference in the callbacks.
    private static readonly object s_completed = new();
    private static readonly object s_execution = new();
    private static readonly object s_wait = new();

    private readonly ConcurrentDictionary<string, FnSeries> _fns = new(StringComparer.Ordinal);
    private readonly StatsAccumulator _node = new();
    private readonly StatsRing _nodeRing = new(WindowSeconds);
    private readonly Lock _sampleLock = new();
    private readonly TimeProvider _time;
    private readonly IMeterFactory? _meterFactory;
    private readonly Func<NodeGauges> _gauges;
    private readonly ILogger _logger;
    private readonly Lazy<string> _nodeName;
    private MeterListener? _listener;
    private ITimer? _timer;
    private int _fnCount;
    private int _overflowed;
    private bool _overflowLogged;
    private long _lastSecond = long.MinValue;
    private long _totalMiB;

    /// <summary>Creates the statistics of one host.</summary>
    /// <param name="time">The clock of the samples.</param>
    /// <param name="meterFactory">
    /// The host's meter factory: only meters it created are read, so that several servers in one process
    /// (the tests) keep their statistics apart; <see langword="null"/> reads every <c>FnSharp.Agent</c> meter.
    /// </param>
    /// <param name="gauges">The runner's containers and memory now, read once a second.</param>
    /// <param name="nodeName">This node's name, in every answer (read on first use).</param>
    /// <param name="logger">Says once when more fns are active than are followed.</param>
    public LiveStats(TimeProvider time, IMeterFactory? meterFactory, Func<NodeGauges> gauges, Func<string> nodeName, ILogger<LiveStats> logger)
    {
        _time = time;
        _meterFactory = meterFactory;
        _gauges = gauges;
        _logger = logger;
        _nodeName = new Lazy<string>(nodeName);
    }

    /// <summary>This node's name.</summary>
    public string NodeName => _nodeName.Value;

    /// <summary>How many fns are followed one by one now.</summary>
    internal int FollowedFns => Volatile.Read(ref _fnCount);

    /// <summary>Starts listening to the runner's meter and sampling once a second.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name != AgentMeter || (_meterFactory is not null && !ReferenceEquals(instrument.Meter.Scope, _meterFactory)))
                {
                    return;
                }

                var state = instrument.Name switch
                {
                    CompletedInstrument => s_completed,
                    ExecutionInstrument => s_execution,
                    WaitInstrument => s_wait,
                    _ => null,
                };
                if (state is not null)
                {
                    l.EnableMeasurementEvents(instrument, state);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(OnLong);
        listener.SetMeasurementEventCallback<double>(OnDouble);
        listener.Start();
        _listener = listener;
        _timer = _time.CreateTimer(static s => ((LiveStats)s!).Sample(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        return Task.CompletedTask;
    }

    /// <summary>Stops sampling and listening.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _timer?.Dispose();
        _listener?.Dispose();
    }

    /// <summary>
    /// Takes one sample: drains what the meters counted since the last one and reads the runner's containers
    /// and memory, for the node and each fn, under the current second. Two samples in one second (a late
    /// timer catching up) add up.
    /// </summary>
    internal void Sample()
    {
        lock (_sampleLock)
        {
            var second = Math.Max(_time.GetUtcNow().ToUnixTimeSeconds(), _lastSecond);
            var gauges = _gauges();
            var containers = new Dictionary<string, ContainerCounts>(StringComparer.Ordinal);
            var nodeContainers = default(ContainerCounts);
            foreach (var slot in gauges.Slots)
            {
                var counts = new ContainerCounts(slot.Idle, slot.Busy, slot.Starting, slot.Paused, slot.Waiting);
                containers[slot.FnId] = containers.GetValueOrDefault(slot.FnId).Add(counts);
                nodeContainers = nodeContainers.Add(counts);
            }

            var node = _node.Drain();
            _nodeRing.Add(ToSample(second, node, nodeContainers) with { ReservedMiB = gauges.ReservedMiB });
            Volatile.Write(ref _totalMiB, gauges.TotalMiB);

            // A fn with containers but no call yet in this run (a call still waiting) is followed from now on.
            foreach (var fnId in containers.Keys)
            {
                _ = Series(fnId, second);
            }

            foreach (var (fnId, series) in _fns)
            {
                var drain = series.Accumulator.Drain();
                var counts = containers.GetValueOrDefault(fnId);
                if (!drain.IsEmpty || !counts.IsEmpty)
                {
                    series.Ring.Add(ToSample(second, drain, counts));
                    series.LastActiveSecond = second;
                }
                else if (second - series.LastActiveSecond >= WindowSeconds && _fns.TryRemove(new KeyValuePair<string, FnSeries>(fnId, series)))
                {
                    // A call that ends in this instant may be counted for the node only.
                    Interlocked.Decrement(ref _fnCount);
                }
            }

            if (Volatile.Read(ref _overflowed) == 1 && !_overflowLogged)
            {
                _overflowLogged = true;
                LogTooManyFns(_logger, MaxTrackedFns);
            }

            Volatile.Write(ref _lastSecond, second);
        }
    }

    /// <summary>
    /// The node's statistics, or <paramref name="fnId"/>'s, with the series of the seconds after
    /// <paramref name="since"/> (Unix seconds; all kept seconds when <see langword="null"/>).
    /// </summary>
    /// <param name="fnId">The fn, or <see langword="null"/> for the node.</param>
    /// <param name="fnMemoryMiB">The fn's <c>memory</c> in MiB, for its reserved memory (containers times it).</param>
    /// <param name="since">Only seconds after this one go into the series.</param>
    public StatsBody Read(string? fnId, long fnMemoryMiB, long? since)
    {
        var last = Volatile.Read(ref _lastSecond);
        var totalMiB = Volatile.Read(ref _totalMiB);
        var series = new StatsSeriesBody();
        if (last == long.MinValue)
        {
            return new StatsBody { Node = NodeName, FnId = fnId, WindowSecs = WindowSeconds, Summary = new StatsSummaryBody { MemoryTotalMiB = totalMiB }, Series = series };
        }

        var ring = fnId is null ? _nodeRing : _fns.TryGetValue(fnId, out var fn) ? fn.Ring : null;
        var first = Math.Max(last - WindowSeconds + 1, since is { } s ? s + 1 : long.MinValue);
        for (var second = first; second <= last; second++)
        {
            // A second the node has no sample of was not sampled (before start): left out, not zero.
            if (_nodeRing.Get(second) is not { } nodeSample)
            {
                continue;
            }

            var sample = fnId is null ? nodeSample : ring?.Get(second) ?? new StatsSample { Second = second };
            var reserved = fnId is null ? nodeSample.ReservedMiB : ContainersOf(sample.Containers) * fnMemoryMiB;
            AppendTo(series, sample, reserved);
        }

        var summary = Summarize(ring, last) with
        {
            MemoryReservedMiB = fnId is null ? _nodeRing.Get(last)?.ReservedMiB ?? 0 : ContainersOf(ContainersAt(ring, last)) * fnMemoryMiB,
            MemoryTotalMiB = totalMiB,
        };
        return new StatsBody
        {
            Node = NodeName,
            FnId = fnId,
            WindowSecs = WindowSeconds,
            Now = last,
            Summary = summary,
            Series = series,
            Fns = fnId is null ? ActiveFns(last) : null,
        };
    }

    private static int ContainersOf(ContainerCounts counts) => counts.Idle + counts.Busy + counts.Starting;

    private static ContainerCounts ContainersAt(StatsRing? ring, long second) => ring?.Get(second)?.Containers ?? default;

    private static StatsSample ToSample(long second, StatsDrain drain, ContainerCounts containers) => new()
    {
        Second = second,
        Calls = drain.Calls,
        Errors = drain.Errors,
        Execution = drain.Execution,
        Wait = drain.Wait,
        Containers = containers,
    };

    private static void AppendTo(StatsSeriesBody series, StatsSample sample, long reservedMiB)
    {
        Span<long> execution = stackalloc long[LatencyBuckets.Count];
        Span<long> wait = stackalloc long[LatencyBuckets.Count];
        sample.Execution?.AddTo(execution);
        sample.Wait?.AddTo(wait);
        series.T.Add(sample.Second);
        series.Calls.Add(sample.Calls);
        series.Errors.Add(sample.Errors);
        series.P50Ms.Add(LatencyBuckets.Quantile(execution, 0.5));
        series.P99Ms.Add(LatencyBuckets.Quantile(execution, 0.99));
        series.WaitP99Ms.Add(LatencyBuckets.Quantile(wait, 0.99));
        series.Idle.Add(sample.Containers.Idle);
        series.Busy.Add(sample.Containers.Busy);
        series.Starting.Add(sample.Containers.Starting);
        series.Waiting.Add(sample.Containers.Waiting);
        series.MemoryReservedMiB.Add(reservedMiB);
    }

    private StatsSummaryBody Summarize(StatsRing? ring, long last)
    {
        Span<long> execution = stackalloc long[LatencyBuckets.Count];
        Span<long> wait = stackalloc long[LatencyBuckets.Count];
        long calls = 0, errors = 0;
        var seconds = 0;
        for (var second = last - SummarySeconds + 1; second <= last; second++)
        {
            if (_nodeRing.Get(second) is null)
            {
                continue;
            }

            seconds++;
            if (ring?.Get(second) is { } sample)
            {
                calls += sample.Calls;
                errors += sample.Errors;
                sample.Execution?.AddTo(execution);
                sample.Wait?.AddTo(wait);
            }
        }

        var now = ContainersAt(ring, last);
        return new StatsSummaryBody
        {
            WindowSecs = seconds,
            Calls = calls,
            CallsPerSec = seconds == 0 ? 0 : Math.Round((double)calls / seconds, 3),
            Errors = errors,
            P50Ms = LatencyBuckets.Quantile(execution, 0.5),
            P99Ms = LatencyBuckets.Quantile(execution, 0.99),
            WaitP99Ms = LatencyBuckets.Quantile(wait, 0.99),
            Idle = now.Idle,
            Busy = now.Busy,
            Starting = now.Starting,
            Paused = now.Paused,
            Waiting = now.Waiting,
        };
    }

    private List<FnStatsBody> ActiveFns(long last)
    {
        var active = new List<FnStatsBody>();
        foreach (var (fnId, series) in _fns)
        {
            if (last - series.LastActiveSecond < SummarySeconds)
            {
                var summary = Summarize(series.Ring, last);
                if (summary.Calls > 0 || summary.Idle + summary.Busy + summary.Starting + summary.Waiting > 0)
                {
                    active.Add(new FnStatsBody { FnId = fnId, Summary = summary });
                }
            }
        }

        return [.. active.OrderByDescending(f => f.Summary.Calls).ThenBy(f => f.FnId, StringComparer.Ordinal).Take(MaxListedFns)];
    }

    private void OnLong(Instrument instrument, long measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!ReferenceEquals(state, s_completed))
        {
            return;
        }

        string? fnId = null;
        var failed = true;
        foreach (var tag in tags)
        {
            if (tag.Key == "fn_id")
            {
                fnId = tag.Value as string;
            }
            else if (tag.Key == "status")
            {
                failed = tag.Value as string != "success";
            }
        }

        for (var i = 0; i < measurement; i++)
        {
            _node.AddCompleted(failed);
            if (fnId is not null)
            {
                Series(fnId, null)?.Accumulator.AddCompleted(failed);
            }
        }
    }

    private void OnDouble(Instrument instrument, double measurement, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var execution = ReferenceEquals(state, s_execution);
        if (!execution && !ReferenceEquals(state, s_wait))
        {
            return;
        }

        var series = FnIdOf(tags) is { } fnId ? Series(fnId, null) : null;
        if (execution)
        {
            _node.AddExecution(measurement);
            series?.Accumulator.AddExecution(measurement);
        }
        else
        {
            _node.AddWait(measurement);
            series?.Accumulator.AddWait(measurement);
        }
    }

    private static string? FnIdOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "fn_id")
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    /// <summary>The fn's series, made on first sight while fewer than <see cref="MaxTrackedFns"/> are followed; else <see langword="null"/>.</summary>
    private FnSeries? Series(string fnId, long? second)
    {
        if (_fns.TryGetValue(fnId, out var series))
        {
            return series;
        }

        if (Volatile.Read(ref _fnCount) >= MaxTrackedFns)
        {
            Volatile.Write(ref _overflowed, 1);
            return null;
        }

        var created = new FnSeries(WindowSeconds) { LastActiveSecond = second ?? _time.GetUtcNow().ToUnixTimeSeconds() };
        if (_fns.TryAdd(fnId, created))
        {
            Interlocked.Increment(ref _fnCount);
            return created;
        }

        return _fns.TryGetValue(fnId, out series) ? series : null;
    }
}
