namespace FnSharp.Fdk;

/// <summary>
/// The HTTP side of a call that came through an HTTP trigger (<c>/t/app/path</c>): the client's
/// original request, and the status and headers the client is to see. It is what Fn's Node FDK calls
/// <c>ctx.httpGateway</c> (<c>requestURL</c>, <c>method</c>, <c>headers</c>, <c>statusCode</c>,
/// <c>setResponseHeader</c>) and Fn's Go FDK reads from <c>Fn-Http-*</c> headers.
/// </summary>
/// <remarks>
/// The platform marks a trigger call with <c>Fn-Intent: httprequest</c> and rewrites the client's
/// request (<c>fn-compat.md</c> section 3): each client header <c>X</c> arrives as <c>Fn-Http-H-X</c>
/// (but <c>Content-Type</c>, which passes as is), the method as <c>Fn-Http-Method</c> and the URL as
/// <c>Fn-Http-Request-Url</c>. On the way back the FDK sends <see cref="StatusCode"/> as
/// <c>Fn-Http-Status</c> and each of <see cref="ResponseHeaders"/> as <c>Fn-Http-H-&lt;name&gt;</c>; the
/// platform turns them back into the client's status and headers, and drops any other header.
/// </remarks>
public sealed class FnHttpContext
{
    internal FnHttpContext(string method, string requestUrl, IReadOnlyDictionary<string, string> headers)
    {
        Method = method;
        RequestUrl = requestUrl;
        Headers = headers;
    }

    /// <summary>The client's method (<c>Fn-Http-Method</c>), for example <c>GET</c>; empty when the platform did not say.</summary>
    public string Method { get; }

    /// <summary>The client's full request URL (<c>Fn-Http-Request-Url</c>), for example <c>http://host:8080/t/app/path?q=1</c>; empty when the platform did not say.</summary>
    public string RequestUrl { get; }

    /// <summary>
    /// The client's request headers by their own names (case-insensitive): the <c>Fn-Http-H-*</c> headers
    /// without the prefix, plus <c>Content-Type</c>. Repeated headers are joined with <c>, </c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>
    /// The HTTP status the trigger's client sees, sent as <c>Fn-Http-Status</c>; 200 unless the handler
    /// sets another (100..999). This is not the status of the answer to the platform
    /// (<see cref="FnContext.ResponseStatusCode"/>), which stays 200 so that the call counts as a success:
    /// a 404 set here reaches the client as 404, while a failed call (an exception) reaches it as 502.
    /// </summary>
    public int StatusCode { get; set; } = 200;

    /// <summary>
    /// Headers the trigger's client sees (case-insensitive names), each sent as <c>Fn-Http-H-&lt;name&gt;</c>.
    /// A <c>Content-Type</c> set here sets <see cref="FnContext.ResponseContentType"/> instead, since the
    /// platform passes the answer's own <c>Content-Type</c> to the client. The platform drops hop-by-hop
    /// headers and <c>Content-Length</c>.
    /// </summary>
    public IDictionary<string, string> ResponseHeaders { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The trigger context of a call with these headers, or <see langword="null"/> when it is not a trigger call.</summary>
    internal static FnHttpContext? FromCallHeaders(IReadOnlyDictionary<string, string> headers)
    {
        if (!headers.TryGetValue("Fn-Intent", out var intent) || !intent.Equals("httprequest", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        const string Prefix = "Fn-Http-H-";
        var own = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            if (name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && name.Length > Prefix.Length)
            {
                own[name[Prefix.Length..]] = value;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                own["Content-Type"] = value;
            }
        }

        return new FnHttpContext(
            headers.GetValueOrDefault("Fn-Http-Method", string.Empty),
            headers.GetValueOrDefault("Fn-Http-Request-Url", string.Empty),
            own);
    }
}
