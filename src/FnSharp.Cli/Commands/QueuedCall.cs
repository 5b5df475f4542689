using System.Text.Json.Serialization;

namespace FnSharp.Cli.Commands;

/// <summary>A detached call the server has queued, as <c>invoke --detached --output json</c> prints it (the server's own 202 body).</summary>
internal sealed record QueuedCall([property: JsonPropertyName("call_id")] string CallId);
