using System.Text.Json.Serialization;

namespace FnSharp.Server.Dashboard;

/// <summary>
/// One-second series as columns (the shape charting libraries take): the <c>n</c>th value of each column
/// belongs to the second <c>t[n]</c>. A latency of a second in which no call ran is <c>null</c>.
/// </summary>
internal sealed record StatsSeriesBody
{
    /// <summary>The seconds, in Unix seconds, oldest first; a second the server did not sample (before it started) is left out.</summary>
    [JsonPropertyName("t")]
    public List<long> T { get; } = [];

    /// <summary>Calls ended in each second.</summary>
    [JsonPropertyName("calls")]
    public List<long> Calls { get; } = [];

    /// <summary>Calls that ended other than in success.</summary>
    [JsonPropertyName("errors")]
    public List<long> Errors { get; } = [];

    /// <summary>The median time in a container, in ms.</summary>
    [JsonPropertyName("p50_ms")]
    public List<double?> P50Ms { get; } = [];

    /// <summary>The 99th percentile of the time in a container, in ms.</summary>
    [JsonPropertyName("p99_ms")]
    public List<double?> P99Ms { get; } = [];

    /// <summary>The 99th percentile of the wait for a container, in ms.</summary>
    [JsonPropertyName("wait_p99_ms")]
    public List<double?> WaitP99Ms { get; } = [];

    /// <summary>Idle hot containers at the end of each second.</summary>
    [JsonPropertyName("idle")]
    public List<int> Idle { get; } = [];

    /// <summary>Busy containers.</summary>
    [JsonPropertyName("busy")]
    public List<int> Busy { get; } = [];

    /// <summary>Containers starting.</summary>
    [JsonPropertyName("starting")]
    public List<int> Starting { get; } = [];

    /// <summary>Calls waiting for a container.</summary>
    [JsonPropertyName("waiting")]
    public List<int> Waiting { get; } = [];

    /// <summary>Memory reserved, in MiB (as in the summary).</summary>
    [JsonPropertyName("memory_reserved_mib")]
    public List<long> MemoryReservedMiB { get; } = [];
}
