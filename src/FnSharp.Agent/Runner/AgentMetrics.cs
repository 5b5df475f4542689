using System.Diagnostics.Metrics;

namespace FnSharp.Agent.Runner;

/// <summary>
/// The runner's instruments on the meter <c>FnSharp.Agent</c>, each tagged with <c>fn_id</c>, for
/// the metrics endpoint to export. Durations are in milliseconds, memory in MiB.
/// </summary>
internal sealed class AgentMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "FnSharp.Agent";

    private readonly Meter _meter;

    public AgentMetrics(IMeterFactory? meterFactory, Func<long> reservedMiB, Func<long> totalMiB)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        Queued = _meter.CreateCounter<long>("fnsharp.agent.calls.queued", "{call}", "Calls that had to wait for a container.");
        Waiting = _meter.CreateUpDownCounter<long>("fnsharp.agent.calls.waiting", "{call}", "Calls waiting for a container now.");
        Running = _meter.CreateUpDownCounter<long>("fnsharp.agent.calls.running", "{call}", "Calls running in a container now.");
        Completed = _meter.CreateCounter<long>("fnsharp.agent.calls.completed", "{call}", "Calls ended, tagged with their status.");
        WaitDuration = _meter.CreateHistogram<double>("fnsharp.agent.call.wait.duration", "ms", "Time from arrival until a container was assigned.");
        ExecutionDuration = _meter.CreateHistogram<double>("fnsharp.agent.call.execution.duration", "ms", "Time from container assignment until the container was released.");
        ContainerStarts = _meter.CreateCounter<long>("fnsharp.agent.container.starts", "{container}", "Containers started, tagged with their result.");
        ContainerStartDuration = _meter.CreateHistogram<double>("fnsharp.agent.container.start.duration", "ms", "Time to create and start a container until its socket was ready.");
        Evictions = _meter.CreateCounter<long>("fnsharp.agent.container.evictions", "{container}", "Idle containers stopped to make room for another fn's.");
        IdleOuts = _meter.CreateCounter<long>("fnsharp.agent.container.idle_outs", "{container}", "Containers stopped after the fn's idle_timeout.");
        _meter.CreateObservableGauge("fnsharp.agent.memory.reserved", reservedMiB, "MiB", "Memory reserved by containers.");
        _meter.CreateObservableGauge("fnsharp.agent.memory.total", totalMiB, "MiB", "Memory containers may reserve in total.");
    }

    public Meter Meter => _meter;

    public Counter<long> Queued { get; }

    public UpDownCounter<long> Waiting { get; }

    public UpDownCounter<long> Running { get; }

    public Counter<long> Completed { get; }

    public Histogram<double> WaitDuration { get; }

    public Histogram<double> ExecutionDuration { get; }

    public Counter<long> ContainerStarts { get; }

    public Histogram<double> ContainerStartDuration { get; }

    public Counter<long> Evictions { get; }

    public Counter<long> IdleOuts { get; }

    public static KeyValuePair<string, object?> Fn(string fnId) => new("fn_id", fnId);

    public void Dispose() => _meter.Dispose();
}
