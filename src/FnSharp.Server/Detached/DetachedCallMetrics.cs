using System.Diagnostics.Metrics;
using System.Text;
using FnSharp.Agent.Calls;

namespace FnSharp.Server.Detached;

/// <summary>
/// The instruments of detached calls on the meter <c>FnSharp.AsyncCalls</c>, named as Prometheus
/// series (<c>docs/metrics.md</c>). The runner's own series count each attempt as a call too; these
/// say what became of the detached call.
/// </summary>
internal sealed class DetachedCallMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "FnSharp.AsyncCalls";

    private int _running;

    public DetachedCallMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);

        // The factory owns the meter and disposes it with the container.
        var meter = meterFactory.Create(MeterName);
        Accepted = meter.CreateCounter<long>("fnsharp_async_calls_accepted_total", null, "Detached calls stored and answered 202.");
        Claimed = meter.CreateCounter<long>("fnsharp_async_claims_total", null, "Detached calls this node took from the queue to run.");
        Attempts = meter.CreateCounter<long>("fnsharp_async_attempts_total", null, "Attempts of detached calls, tagged with their outcome.");
        Retries = meter.CreateCounter<long>("fnsharp_async_retries_total", null, "Detached calls queued again for a retry, tagged with whose fault the attempt's end was.");
        DeadLetters = meter.CreateCounter<long>("fnsharp_async_dead_letters_total", null, "Detached calls that became dead letters, tagged with the reason.");
        Redrives = meter.CreateCounter<long>("fnsharp_async_redrives_total", null, "Dead letters queued again through the API.");
        LeasesLost = meter.CreateCounter<long>("fnsharp_async_leases_lost_total", null, "Attempts whose end was not stored because their lease ran out and another claim took the call.");
        Destinations = meter.CreateCounter<long>("fnsharp_async_destinations_total", null, "Destinations of ended detached calls, tagged with the condition (success, failure) and the outcome: queued, missing (the fn it names is gone) or loop (refused: the destinations call back).");
        meter.CreateObservableGauge("fnsharp_async_calls_running", () => Volatile.Read(ref _running), null, "Detached calls running on this node now.");
    }

    public Counter<long> Accepted { get; }

    public Counter<long> Claimed { get; }

    public Counter<long> Attempts { get; }

    public Counter<long> Retries { get; }

    public Counter<long> DeadLetters { get; }

    public Counter<long> Redrives { get; }

    public Counter<long> LeasesLost { get; }

    public Counter<long> Destinations { get; }

    public static KeyValuePair<string, object?> Fn(string fnId) => new("fn_id", fnId);

    /// <summary>The label of an outcome: the status in snake case, as the runner's series name them (<c>function_failed</c>).</summary>
    public static string Label(CallStatus status) => SnakeCase(status.ToString());

    /// <summary>The label of an enum value in snake case.</summary>
    public static string SnakeCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var label = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && label.Length > 0)
            {
                label.Append('_');
            }

            label.Append(char.ToLowerInvariant(c));
        }

        return label.ToString();
    }

    public void RunningChanged(int delta) => Interlocked.Add(ref _running, delta);
}
