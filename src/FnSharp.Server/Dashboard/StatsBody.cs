using System.Text.Json.Serialization;

namespace FnSharp.Server.Dashboard;

/// <summary>
/// The answer of <c>GET /v2/stats</c>: the node's (or, with <c>fn_id</c>, one fn's) live statistics,
/// a summary of the last minute and one-second series of the last minutes (<c>docs/api.md</c>, "Live statistics").
/// </summary>
internal sealed record StatsBody
{
    /// <summary>The node that answered (<c>FN_NODE_NAME</c>).</summary>
    [JsonPropertyName("node")]
    public required string Node { get; init; }

    /// <summary>The fn asked for; absent for the node.</summary>
    [JsonPropertyName("fn_id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FnId { get; init; }

    /// <summary>The length of one sample, in seconds (1).</summary>
    [JsonPropertyName("interval_secs")]
    public int IntervalSecs { get; init; } = 1;

    /// <summary>How far back the series go at most, in seconds.</summary>
    [JsonPropertyName("window_secs")]
    public required int WindowSecs { get; init; }

    /// <summary>The last second sampled, in Unix seconds; absent before the first sample (the first second after start).</summary>
    [JsonPropertyName("now")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Now { get; init; }

    /// <summary>The last minute, added up.</summary>
    [JsonPropertyName("summary")]
    public required StatsSummaryBody Summary { get; init; }

    /// <summary>One value per second sampled, oldest first (only those after <c>since</c> when it was given).</summary>
    [JsonPropertyName("series")]
    public required StatsSeriesBody Series { get; init; }

    /// <summary>For the node: the fns with calls or containers in the last minute, most calls first, at most 50; absent for a fn.</summary>
    [JsonPropertyName("fns")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FnStatsBody>? Fns { get; init; }
}
