using System.Text.Json.Serialization;

namespace FnSharp.Cli.Commands;

/// <summary>
/// An invocation as <c>invoke --output json</c> prints it: the HTTP status, the call's id (<c>Fn-Call-Id</c>),
/// the answer's content type and its body as text (Fn's <c>fn invoke --output json</c> has the body and status too).
/// </summary>
internal sealed record InvocationOutput(
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("call_id")] string? CallId,
    [property: JsonPropertyName("content_type")] string? ContentType,
    [property: JsonPropertyName("body")] string Body);
