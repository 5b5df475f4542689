namespace FnSharp.Fdk;

/// <summary>What a handler knows about the call it serves.</summary>
public sealed class FnContext
{
    internal FnContext(string callId, DateTimeOffset? deadline, string? contentType, IReadOnlyDictionary<string, string> headers, CancellationToken cancellationToken)
    {
        CallId = callId;
        Deadline = deadline;
        ContentType = contentType;
        Headers = headers;
        CancellationToken = cancellationToken;
    }

    /// <summary>The call's id (<c>Fn-Call-Id</c>).</summary>
    public string CallId { get; }

    /// <summary>When the platform gives up on the call (<c>Fn-Deadline</c>), if it said.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Cancelled at the deadline, or when the platform drops the call.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The request's content type, if any.</summary>
    public string? ContentType { get; }

    /// <summary>The request headers the platform passed on, by name (case-insensitive); repeated headers are joined with <c>, </c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The content type of the answer; <c>text/plain</c> unless the handler sets another.</summary>
    public string ResponseContentType { get; set; } = "text/plain";

    /// <summary>
    /// The status of the answer to the platform, 200 unless the handler sets another. Fn's platform
    /// reads it (<c>fn-compat.md</c> section 3): 200 is success, 502 a function failure, 504 a timeout and
    /// anything else an invalid answer. For an HTTP trigger, the status the client sees is set with the
    /// <c>Fn-Http-Status</c> header in <see cref="ResponseHeaders"/> instead.
    /// </summary>
    public int ResponseStatusCode { get; set; } = 200;

    /// <summary>
    /// Extra headers of the answer (case-insensitive names), for example <c>Fn-Http-Status</c> and
    /// <c>Fn-Http-H-Location</c> for an HTTP trigger. <c>Content-Type</c> comes from <see cref="ResponseContentType"/>.
    /// </summary>
    public IDictionary<string, string> ResponseHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The app's and fn's config and the <c>FN_*</c> variables, as the container's environment holds them.</summary>
    public static string? Config(string name) => Environment.GetEnvironmentVariable(name);
}
