using System.Text.Json.Serialization;

namespace FnSharp.Server.Dashboard;

/// <summary>The last <see cref="WindowSecs"/> seconds of a fn or of the node, added up; containers and memory as of the last second.</summary>
internal sealed record StatsSummaryBody
{
    /// <summary>The seconds summed (60, or fewer just after start).</summary>
    [JsonPropertyName("window_secs")]
    public int WindowSecs { get; init; }

    /// <summary>Calls ended in the window.</summary>
    [JsonPropertyName("calls")]
    public long Calls { get; init; }

    /// <summary>Calls ended per second, over the window.</summary>
    [JsonPropertyName("calls_per_sec")]
    public double CallsPerSec { get; init; }

    /// <summary>Calls that ended other than in success (errors, timeouts, 503 refusals).</summary>
    [JsonPropertyName("errors")]
    public long Errors { get; init; }

    /// <summary>The median time in a container of the calls that ran, in ms; absent when none ran.</summary>
    [JsonPropertyName("p50_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? P50Ms { get; init; }

    /// <summary>The 99th percentile of the same, in ms.</summary>
    [JsonPropertyName("p99_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? P99Ms { get; init; }

    /// <summary>The 99th percentile of the waits for a container, in ms (0.1 or less: a hot container was free).</summary>
    [JsonPropertyName("wait_p99_ms")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? WaitP99Ms { get; init; }

    /// <summary>Hot containers waiting for a call, paused ones included.</summary>
    [JsonPropertyName("idle")]
    public int Idle { get; init; }

    /// <summary>Containers running a call.</summary>
    [JsonPropertyName("busy")]
    public int Busy { get; init; }

    /// <summary>Containers being started.</summary>
    [JsonPropertyName("starting")]
    public int Starting { get; init; }

    /// <summary>Idle containers that are paused.</summary>
    [JsonPropertyName("paused")]
    public int Paused { get; init; }

    /// <summary>Calls waiting for a container.</summary>
    [JsonPropertyName("waiting")]
    public int Waiting { get; init; }

    /// <summary>
    /// Memory reserved, in MiB: by every container for the node; for a fn, its containers times its
    /// <c>memory</c> (containers started before a change of <c>memory</c> count at the new value).
    /// </summary>
    [JsonPropertyName("memory_reserved_mib")]
    public long MemoryReservedMiB { get; init; }

    /// <summary>Memory containers may reserve on the node in total, in MiB.</summary>
    [JsonPropertyName("memory_total_mib")]
    public long MemoryTotalMiB { get; init; }
}
