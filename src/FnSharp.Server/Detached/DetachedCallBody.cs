using System.Text.Json.Serialization;

namespace FnSharp.Server.Detached;

/// <summary>The body of a 202 for a detached call: <c>{"call_id":"..."}</c>.</summary>
/// <param name="CallId">The call's id, as in <c>Fn-Call-Id</c>.</param>
internal sealed record DetachedCallBody([property: JsonPropertyName("call_id")] string CallId);
