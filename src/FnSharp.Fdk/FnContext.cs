namespace FnSharp.Fdk;

/// <summary>What a handler knows about the call it serves, and how it shapes the answer.</summary>
public sealed class FnContext
{
    internal FnContext(string callId, DateTimeOffset? deadline, string? contentType, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        CallId = callId;
        Deadline = deadline;
        ContentType = contentType;
        Headers = headers;
        CancellationToken = cancellationToken;
        Http = FnHttpContext.FromCallHeaders(headers);
    }

    /// <summary>The call's id (<c>Fn-Call-Id</c>).</summary>
    public string CallId { get; }

    /// <summary>When the platform gives up on the call (<c>Fn-Deadline</c>, RFC 3339), if it said.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>
    /// Cancelled at <see cref="Deadline"/>, or when the platform drops the call. A handler that lets the
    /// resulting <see cref="OperationCanceledException"/> escape after the deadline is answered 504, as
    /// Fn's FDKs do; the platform then kills the container.
    /// </summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The request's content type, if any (for a trigger call, the client's).</summary>
    public string? ContentType { get; }

    /// <summary>
    /// The request headers exactly as the platform sent them, by name (case-insensitive); repeated headers
    /// are joined with <c>, </c>. For a trigger call the client's own headers are easier to read from
    /// <see cref="FnHttpContext.Headers"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>
    /// The client's request and the client's answer for a call through an HTTP trigger
    /// (<c>Fn-Intent: httprequest</c>); <see langword="null"/> for any other call (<c>/invoke</c>).
    /// </summary>
    public FnHttpContext? Http { get; }

    /// <summary>
    /// The content type of the answer: <c>text/plain</c> for the string handler and <c>application/json</c>
    /// for the typed one, unless the handler sets another. The platform passes it to the client on
    /// <c>/invoke</c> and on triggers alike.
    /// </summary>
    public string ResponseContentType { get; set; } = "text/plain";

    /// <summary>
    /// The raw status of the answer to the platform, 200 unless the handler sets another: this is the
    /// http-stream protocol status, not the client's. Fn's platform reads it (<c>fn-compat.md</c>
    /// section 3): 200 is success, 502 a function failure, 504 a timeout (the container is killed) and
    /// anything else an invalid answer (502 <c>invalid function response</c>, container killed). To give
    /// a trigger's client a status such as 404, set <see cref="FnHttpContext.StatusCode"/> on
    /// <see cref="Http"/> instead and leave this at 200. It exists for protocol tests and for functions
    /// that must report failure without throwing.
    /// </summary>
    public int ResponseStatusCode { get; set; } = 200;

    /// <summary>
    /// Raw headers of the answer to the platform (case-insensitive names), sent as given after the ones
    /// derived from <see cref="Http"/>, so that a raw <c>Fn-Http-Status</c> here wins. <c>Content-Type</c>
    /// comes from <see cref="ResponseContentType"/>. On <c>/invoke</c> the platform passes these headers
    /// to the client (but hop-by-hop ones); on triggers it passes only <c>Fn-Http-H-*</c> ones.
    /// </summary>
    public IDictionary<string, string> ResponseHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A configuration value: the app's and fn's config (fn wins) and the <c>FN_*</c> variables, as the
    /// container's environment holds them; <see langword="null"/> when unset.
    /// </summary>
    public static string? Config(string name) => Environment.GetEnvironmentVariable(name);
}
