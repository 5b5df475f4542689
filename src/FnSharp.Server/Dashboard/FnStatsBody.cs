using System.Text.Json.Serialization;

namespace FnSharp.Server.Dashboard;

/// <summary>One fn's last minute, in the node's list of active fns.</summary>
internal sealed record FnStatsBody
{
    /// <summary>The fn.</summary>
    [JsonPropertyName("fn_id")]
    public required string FnId { get; init; }

    /// <summary>Its last minute, as in the fn's own summary (without memory, which needs the fn's <c>memory</c>).</summary>
    [JsonPropertyName("summary")]
    public required StatsSummaryBody Summary { get; init; }
}
