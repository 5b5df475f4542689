using System.Diagnostics.Metrics;

namespace FnSharp.Agent.Runner;

/// <summary>
/// The runner's instruments on the meter <c>FnSharp.Agent</c>, each tagged with <c>fn_id</c> where it
/// concerns one fn. Names are already Prometheus names (<c>_total</c> for counters, the unit as a
/// suffix) so that the exporter prints them unchanged; durations are in seconds, memory in bytes.
/// <c>docs/metrics.md</c> lists every one.
/// </summary>
internal sealed class AgentMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "FnSharp.Agent";

    // Seconds: calls and starts range from a millisecond to the longest fn timeout.
    private static readonly double[] s_secondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Meter _meter;

    public AgentMetrics(IMeterFactory? meterFactory, Func<long> reservedMiB, Func<long> totalMiB, Func<long> totalMilliCpus, Func<IEnumerable<SlotStats>> slots)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = s_secondsBuckets };
        Calls = _meter.CreateCounter<long>("fnsharp_calls_total", null, "Calls submitted to the runner.");
        Completed = _meter.CreateCounter<long>("fnsharp_calls_completed_total", null, "Calls ended, tagged with their status.");
        Errors = _meter.CreateCounter<long>("fnsharp_call_errors_total", null, "Calls that failed other than by a timeout or a refusal, tagged with the kind of error.");
        Timeouts = _meter.CreateCounter<long>("fnsharp_call_timeouts_total", null, "Calls that exceeded the fn's timeout.");
        TooBusy = _meter.CreateCounter<long>("fnsharp_calls_too_busy_total", null, "Calls refused with 503 too busy, tagged with the limit that refused them.");
        Queued = _meter.CreateCounter<long>("fnsharp_calls_queued_total", null, "Calls that had to wait for a container.");
        Waiting = _meter.CreateUpDownCounter<long>("fnsharp_calls_waiting", null, "Calls waiting for a container now.");
        Running = _meter.CreateUpDownCounter<long>("fnsharp_calls_running", null, "Calls running in a container now.");
        WaitDuration = _meter.CreateHistogram("fnsharp_call_queue_wait_seconds", "s", "Time from arrival until a container was assigned.", advice: seconds);
        ExecutionDuration = _meter.CreateHistogram("fnsharp_call_execution_seconds", "s", "Time from container assignment until the container was released, tagged with the call's status.", advice: seconds);
        ContainerStarts = _meter.CreateCounter<long>("fnsharp_container_starts_total", null, "Container starts, tagged with their result.");
        ContainerStartDuration = _meter.CreateHistogram("fnsharp_container_start_seconds", "s", "Time to create and start a container until its socket was ready.", advice: seconds);
        ContainerStartPhase = _meter.CreateHistogram("fnsharp_container_start_phase_seconds", "s", "Time of each phase of a container's start (create, start, ready; pull when the create waited for one), tagged with the phase.", advice: seconds);
        StartKinds = _meter.CreateCounter<long>("fnsharp_call_start_kinds_total", null, "Calls that reached a container, tagged with how they had it: cold, warm, thawed or prewarmed.");
        PreCreated = _meter.CreateCounter<long>("fnsharp_container_precreates_total", null, "Containers created ahead of demand (not started), tagged with what became of them: created, taken (a cold start only started it), expired (FN_PRECREATE_IDLE_MSECS) or failed.");
        Evictions = _meter.CreateCounter<long>("fnsharp_container_evictions_total", null, "Idle containers stopped to make room for another fn's.");
        IdleOuts = _meter.CreateCounter<long>("fnsharp_container_idle_outs_total", null, "Idle containers stopped by the keep-alive policy, tagged with the reason: idle_timeout, keep_alive_window or until_prewarm.");
        Prewarms = _meter.CreateCounter<long>("fnsharp_container_prewarms_total", null, "Containers started ahead of a fn's next call when the keep-alive policy's pre-warm window opened, tagged with the result: started, no_memory or failed.");
        _meter.CreateObservableGauge("fnsharp_containers", () => ContainersByState(slots()), null, "Containers now, tagged with their state: starting, idle, busy or paused (paused ones are idle too).");
        _meter.CreateObservableGauge("fnsharp_memory_reserved_bytes", () => reservedMiB() * MiB, "By", "Memory reserved by containers.");
        _meter.CreateObservableGauge("fnsharp_memory_total_bytes", () => totalMiB() * MiB, "By", "Memory containers may reserve in total.");
        _meter.CreateObservableGauge("fnsharp_cpu_total_cores", () => totalMilliCpus() / 1000.0, null, "CPU the runner counts on for containers, in cores.");
    }

    public Counter<long> Calls { get; }

    public Counter<long> Completed { get; }

    public Counter<long> Errors { get; }

    public Counter<long> Timeouts { get; }

    public Counter<long> TooBusy { get; }

    public Counter<long> Queued { get; }

    public UpDownCounter<long> Waiting { get; }

    public UpDownCounter<long> Running { get; }

    public Histogram<double> WaitDuration { get; }

    public Histogram<double> ExecutionDuration { get; }

    public Counter<long> ContainerStarts { get; }

    public Counter<long> PreCreated { get; }

    public Histogram<double> ContainerStartDuration { get; }

    public Histogram<double> ContainerStartPhase { get; }

    public Counter<long> StartKinds { get; }

    public Counter<long> Evictions { get; }

    public Counter<long> IdleOuts { get; }

    public Counter<long> Prewarms { get; }

    private const long MiB = 1024 * 1024;

    public static KeyValuePair<string, object?> Fn(string fnId) => new("fn_id", fnId);

    /// <summary>A status as a label value: <c>TimedOut</c> becomes <c>timed_out</c>.</summary>
    public static string Label(Enum value)
    {
        var name = value.ToString();
        var builder = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    /// <summary>Records each phase of a start on <see cref="ContainerStartPhase"/>.</summary>
    public void RecordStartPhases(ContainerStartPhases phases, KeyValuePair<string, object?> fnTag)
    {
        if (phases.PullMs > 0)
        {
            ContainerStartPhase.Record(phases.PullMs / 1000, fnTag, new("phase", ContainerStartPhases.PullName));
        }

        ContainerStartPhase.Record(phases.CreateMs / 1000, fnTag, new("phase", "create"));
        ContainerStartPhase.Record(phases.StartMs / 1000, fnTag, new("phase", "start"));
        ContainerStartPhase.Record(phases.ReadyMs / 1000, fnTag, new("phase", "ready"));
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> ContainersByState(IEnumerable<SlotStats> slots)
    {
        // Queues of one fn with different configurations add up.
        var byFn = new Dictionary<string, (long Starting, long Idle, long Busy, long Paused)>(StringComparer.Ordinal);
        foreach (var s in slots)
        {
            var sum = byFn.GetValueOrDefault(s.FnId);
            byFn[s.FnId] = (sum.Starting + s.Starting, sum.Idle + s.Idle, sum.Busy + s.Busy, sum.Paused + s.Paused);
        }

        foreach (var (fnId, counts) in byFn)
        {
            yield return new(counts.Starting, Fn(fnId), new("state", "starting"));
            yield return new(counts.Idle, Fn(fnId), new("state", "idle"));
            yield return new(counts.Busy, Fn(fnId), new("state", "busy"));
            yield return new(counts.Paused, Fn(fnId), new("state", "paused"));
        }
    }
}
