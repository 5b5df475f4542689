namespace FnSharp.Agent.Resources;

/// <summary>
/// How busy the node's CPUs are: the share of the last sampling interval (at least <see cref="MinInterval"/>)
/// that they spent busy, from <c>/proc/stat</c>, across every process of the host (other fns, the engine,
/// the server, anything else). Sampled every <see cref="MinInterval"/> on the runner's clock, so that the reading
/// covers the last second at most: read only on demand, the first reading after a quiet minute averaged the minute
/// and showed saturated CPUs as 80% busy (which let a CPU-bound fn grow). Asking on every launch decision costs
/// nothing. Thread-safe.
/// </summary>
internal sealed class NodeCpu : IDisposable
{
    /// <summary>The shortest interval between two samples: shorter ones would measure noise.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(500);

    private readonly Func<string?> _readProcStat;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly ITimer _sampling;
    private (long Busy, long Total)? _last;
    private long _lastAt;
    private double? _busy;

    /// <summary>Creates the meter and starts sampling every <see cref="MinInterval"/>.</summary>
    /// <param name="readProcStat">Reads <c>/proc/stat</c> (<see langword="null"/> when it cannot).</param>
    /// <param name="time">The runner's clock.</param>
    public NodeCpu(Func<string?> readProcStat, TimeProvider time)
    {
        _readProcStat = readProcStat;
        _time = time;
        _sampling = time.CreateTimer(_ => Busy(), null, MinInterval, MinInterval);
    }

    /// <summary>The meter of this host's <c>/proc/stat</c>.</summary>
    public static NodeCpu OfHost(TimeProvider time) => new(ReadProcStat, time);

    /// <summary>The busy share of the node's CPUs, from 0 to 1, over the last interval; <see langword="null"/> before two samples or without <c>/proc/stat</c>.</summary>
    public double? Busy()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            if (_last is not null && _time.GetElapsedTime(_lastAt, now) < MinInterval)
            {
                return _busy;
            }

            if (CgroupReader.ParseProcStatCpu(_readProcStat()) is not { } sample)
            {
                return _busy;
            }

            if (_last is { } last && sample.Total > last.Total)
            {
                _busy = Math.Clamp((double)(sample.Busy - last.Busy) / (sample.Total - last.Total), 0, 1);
            }

            _last = sample;
            _lastAt = now;
            return _busy;
        }
    }

    /// <summary>Stops sampling.</summary>
    public void Dispose() => _sampling.Dispose();

    private static string? ReadProcStat()
    {
        try
        {
            return File.ReadAllText("/proc/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
