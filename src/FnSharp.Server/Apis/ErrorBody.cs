using System.Text.Json.Serialization;

namespace FnSharp.Server.Apis;

/// <summary>Fn's error body (<c>fn-swagger-v2.yml</c>, definition <c>Error</c>).</summary>
/// <param name="Message">What went wrong, for people.</param>
internal sealed record ErrorBody([property: JsonPropertyName("message")] string Message);
