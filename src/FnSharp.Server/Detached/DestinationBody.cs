using System.Text.Json.Serialization;
using FnSharp.Core.Json;

namespace FnSharp.Server.Detached;

/// <summary>
/// The body of the detached call a destination gets (<c>docs/api.md</c>, "Destinations"), as Lambda's
/// destination records carry the request context and the answer:
/// <c>{"condition":"success","call_id":"...","fn_id":"...","fn_name":"...","app_id":"...","status":"success",
/// "status_code":200,"error":null,"attempts":1,"created_at":"...","completed_at":"...","answer":"...",
/// "answer_truncated":false,"answer_bytes":17}</c>.
/// </summary>
/// <param name="Condition"><c>"success"</c> (the fn's <c>fnsharp.io/on-success</c>) or <c>"failure"</c> (a dead letter, <c>fnsharp.io/on-failure</c>).</param>
/// <param name="CallId">The id of the call that ended.</param>
/// <param name="FnId">Its fn's id.</param>
/// <param name="FnName">Its fn's name.</param>
/// <param name="AppId">Its app's id.</param>
/// <param name="Status">Its status as its record says (<c>success</c>, <c>error</c>, <c>timeout</c>, ...).</param>
/// <param name="StatusCode">Its status code as its record says, when it has one.</param>
/// <param name="Error">Its error as its record says, <see langword="null"/> for a success.</param>
/// <param name="Attempts">How many attempts it took.</param>
/// <param name="CreatedAt">When it was queued (UTC, RFC 3339 with milliseconds).</param>
/// <param name="CompletedAt">When it ended.</param>
/// <param name="Answer">
/// The body its last attempt answered, as UTF-8 text (invalid bytes replaced by U+FFFD), at most
/// <see cref="DetachedDestinations.MaxAnswerBytes"/> bytes of it; <see langword="null"/> when the last attempt gave no
/// answer (a function failure or timeout, which the runner answers with its own error, as Fn does).
/// </param>
/// <param name="AnswerTruncated">Whether the answer was longer and cut to its first <see cref="DetachedDestinations.MaxAnswerBytes"/> bytes (at a character's boundary).</param>
/// <param name="AnswerBytes">The whole answer's size in bytes.</param>
internal sealed record DestinationBody(
    [property: JsonPropertyName("condition")] string Condition,
    [property: JsonPropertyName("call_id")] string CallId,
    [property: JsonPropertyName("fn_id")] string FnId,
    [property: JsonPropertyName("fn_name")] string FnName,
    [property: JsonPropertyName("app_id")] string AppId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("status_code")] int? StatusCode,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("created_at"), JsonConverter(typeof(Rfc3339MillisecondsConverter))] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("completed_at"), JsonConverter(typeof(NullableRfc3339MillisecondsConverter))] DateTimeOffset? CompletedAt,
    [property: JsonPropertyName("answer")] string? Answer,
    [property: JsonPropertyName("answer_truncated")] bool AnswerTruncated,
    [property: JsonPropertyName("answer_bytes")] long AnswerBytes);
