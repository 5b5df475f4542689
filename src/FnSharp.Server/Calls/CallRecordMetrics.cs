using System.Diagnostics.Metrics;

namespace FnSharp.Server.Calls;

/// <summary>
/// The instruments of call records on the meter <c>FnSharp.Server</c>, named as Prometheus series
/// (<c>docs/metrics.md</c> lists them): records written and dropped by <see cref="CallRecorder"/>, calls
/// removed by <see cref="CallPruner"/>.
/// </summary>
internal sealed class CallRecordMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "FnSharp.Server";

    /// <summary>The <c>reason</c> of a record dropped because the recorder's queue was full.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>The <c>reason</c> of a record dropped because the store refused its batch on every attempt.</summary>
    public const string StoreFailed = "store_failed";

    /// <summary>The <c>reason</c> of a record of a call that ended after the recorder stopped (at shutdown).</summary>
    public const string Stopped = "stopped";

    public CallRecordMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        // The factory owns the meter and disposes it with the container.
        var meter = meterFactory.Create(MeterName);
        Written = meter.CreateCounter<long>("fnsharp_call_records_written_total", null, "Records of synchronous calls written to the store.");
        Dropped = meter.CreateCounter<long>("fnsharp_call_records_dropped_total", null, "Records of synchronous calls never written, tagged with the reason: queue_full, store_failed or stopped.");
        Pruned = meter.CreateCounter<long>("fnsharp_calls_pruned_total", null, "Ended calls removed for being older than FN_CALL_MAX_AGE_SECS, with their logs.");
    }

    /// <summary>Records written (one per call).</summary>
    public Counter<long> Written { get; }

    /// <summary>Records dropped, tagged <c>reason</c>.</summary>
    public Counter<long> Dropped { get; }

    /// <summary>Calls pruned.</summary>
    public Counter<long> Pruned { get; }

    /// <summary>The tag of a drop's reason.</summary>
    public static KeyValuePair<string, object?> Reason(string reason) => new("reason", reason);
}
