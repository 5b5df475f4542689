using System.Net;

namespace FnSharp.Client;

/// <summary>The answer to an invocation.</summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="CallId">The call's id (<c>Fn-Call-Id</c>), or <see langword="null"/> if the server sent none.</param>
/// <param name="ContentType">The content type of the body, if any.</param>
/// <param name="Body">The body, as text.</param>
public sealed record InvokeResult(HttpStatusCode StatusCode, string? CallId, string? ContentType, string Body);
