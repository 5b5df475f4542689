using System.Globalization;

namespace FnSharp.Server.Edge;

/// <summary>The answers to requests refused at the edge, each naming the setting that refused it.</summary>
internal static class EdgeErrors
{
    /// <summary>431: too many request headers, or too many bytes of them (a chunked body's trailers count with them).</summary>
    public static ApiError HeadersTooLarge(ServerOptions options) => new(431, string.Create(CultureInfo.InvariantCulture,
        $"request headers too large: at most {options.MaxRequestHeaderCount} headers of {options.MaxRequestHeadersSize} bytes in all, names and values (FN_MAX_REQUEST_HEADER_COUNT, FN_MAX_REQUEST_HEADERS_SIZE)"));

    /// <summary>
    /// The most bytes of header names and values a trigger call may forward to its container: 15 KiB, the 16 KiB
    /// Fn's Node FDK accepts (Node's default <c>maxHeaderSize</c>) less room for FnSharp's own headers.
    /// </summary>
    public const int ForwardedHeadersMax = 15 * 1024;

    /// <summary>431: a trigger call whose headers, as forwarded to the container, would exceed <see cref="ForwardedHeadersMax"/>.</summary>
    public static ApiError ForwardedHeadersTooLarge(long bytes) => new(431, string.Create(CultureInfo.InvariantCulture,
        $"request headers too large for the function: a trigger call forwards its URL again (Fn-Http-Request-Url) and each header as Fn-Http-H-NAME, which would make {bytes} bytes, more than the {ForwardedHeadersMax} a function's FDK is sure to accept; send a shorter URL or fewer or shorter headers"));

    /// <summary>414: a request line (method, URL, version) over <c>FN_MAX_REQUEST_LINE_SIZE</c>.</summary>
    public static ApiError RequestLineTooLong(ServerOptions options) => new(414, string.Create(CultureInfo.InvariantCulture,
        $"request line too long: at most {options.MaxRequestLineSize} bytes of method, URL and version (FN_MAX_REQUEST_LINE_SIZE)"));

    /// <summary>408: the headers did not come within <c>FN_REQUEST_HEADERS_TIMEOUT_MSECS</c>.</summary>
    public static ApiError HeadersTimedOut(ServerOptions options) => new(408, string.Create(CultureInfo.InvariantCulture,
        $"request headers not received within {options.RequestHeadersTimeoutMs} ms (FN_REQUEST_HEADERS_TIMEOUT_MSECS)"));

    /// <summary>408: the body came slower than <c>FN_MIN_REQUEST_BODY_RATE</c> over a window of <c>FN_REQUEST_BODY_TIMEOUT_MSECS</c>.</summary>
    public static ApiError BodyTooSlow(ServerOptions options) => new(408, string.Create(CultureInfo.InvariantCulture,
        $"request body too slow: less than {BodyBytesPerWindow(options)} bytes came in {options.RequestBodyTimeoutMs} ms of waiting for it (FN_MIN_REQUEST_BODY_RATE={options.MinRequestBodyRate} bytes per second, FN_REQUEST_BODY_TIMEOUT_MSECS={options.RequestBodyTimeoutMs})"));

    /// <summary>400: a body whose framing the server cannot read (a chunk size past what it can count, say).</summary>
    public static ApiError MalformedBody(string detail) => new(400, "malformed request body: " + detail);

    /// <summary>417: an <c>Expect</c> other than <c>100-continue</c> (RFC 9110 section 10.1.1).</summary>
    public static ApiError UnsupportedExpectation(string expectation) =>
        new(417, $"Expect: {expectation} cannot be met: the only expectation this server knows is 100-continue");

    /// <summary>The answer to a request Kestrel refused before the application saw it, from its status.</summary>
    public static ApiError Rejected(BadHttpRequestException rejection, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return rejection.StatusCode switch
        {
            StatusCodes.Status431RequestHeaderFieldsTooLarge => HeadersTooLarge(options),
            StatusCodes.Status414UriTooLong => RequestLineTooLong(options),
            StatusCodes.Status408RequestTimeout => HeadersTimedOut(options),
            var status => new ApiError(status, "bad request: " + rejection.Message),
        };
    }

    /// <summary>The bytes each window of <c>FN_REQUEST_BODY_TIMEOUT_MSECS</c> must bring: the rate over the window, and at least one.</summary>
    public static long BodyBytesPerWindow(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Math.Max(1, (long)options.MinRequestBodyRate * options.RequestBodyTimeoutMs / 1000);
    }
}
