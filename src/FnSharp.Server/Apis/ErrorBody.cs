using System.Text.Json.Serialization;

namespace FnSharp.Server.Apis;

/// <summary>Fn's error body (<c>fn-swagger-v2.yml</c>, definition <c>Error</c>).</summary>
/// <param name="Message">What went wrong, for people (Fn's messages, unchanged).</param>
/// <param name="Reason">FnSharp's extension: a stable label of the cause (a 503's limit), absent when none.</param>
/// <param name="Detail">FnSharp's extension: the limit and what to do, absent when none.</param>
internal sealed record ErrorBody(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail = null);
