using System.Text.Json.Serialization;

namespace FnSharp.Cli.Commands;

/// <summary>A call's log as <c>logs get --output json</c> prints it: the call's id and the log's text (empty when the call wrote nothing).</summary>
internal sealed record CallLog(
    [property: JsonPropertyName("call_id")] string CallId,
    [property: JsonPropertyName("log")] string Log);
