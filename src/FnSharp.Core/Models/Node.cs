namespace FnSharp.Core.Models;

/// <summary>
/// One FnSharp node as its last heartbeat stored it: every node sharing a store writes its own row
/// every <c>FN_NODE_HEARTBEAT_MSECS</c> and lists the others' (<c>GET /v2/nodes</c>, an FnSharp
/// extension). The figures are the node's at <see cref="HeartbeatAt"/>.
/// </summary>
public sealed record Node
{
    /// <summary>The node's name (<c>FN_NODE_NAME</c>), unique among the nodes of a store.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>Where the node serves the API (<c>FN_NODE_URL</c>), for example <c>http://10.0.0.7:8080</c>.</summary>
    [JsonPropertyName("url")]
    public string Url { get; init; } = "";

    /// <summary>When the node started.</summary>
    [JsonPropertyName("started_at")]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the node last stored its heartbeat, by its own clock.</summary>
    [JsonPropertyName("heartbeat_at")]
    [JsonConverter(typeof(Rfc3339MillisecondsConverter))]
    public DateTimeOffset HeartbeatAt { get; init; }

    /// <summary>Memory its containers may reserve in all, in MiB.</summary>
    [JsonPropertyName("memory_total_mib")]
    public long MemoryTotalMiB { get; init; }

    /// <summary>Memory its containers reserve, in MiB.</summary>
    [JsonPropertyName("memory_reserved_mib")]
    public long MemoryReservedMiB { get; init; }

    /// <summary>Its CPU, in milli-CPUs (1000 = one core).</summary>
    [JsonPropertyName("cpu_mcpus")]
    public long CpuMilliCpus { get; init; }

    /// <summary>Its hot containers: idle and busy, starting ones not counted.</summary>
    [JsonPropertyName("hot_containers")]
    public int HotContainers { get; init; }

    /// <summary>Calls running in its containers.</summary>
    [JsonPropertyName("running_calls")]
    public int RunningCalls { get; init; }

    /// <summary>Calls waiting for one of its containers.</summary>
    [JsonPropertyName("waiting_calls")]
    public int WaitingCalls { get; init; }
}
