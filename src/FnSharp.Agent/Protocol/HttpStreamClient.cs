using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FnSharp.Agent.Protocol;

/// <summary>
/// Sends calls to one container over its unix socket with Fn's http-stream contract
/// (<c>fn-compat.md</c> section 4): <c>POST /call</c> over HTTP/1.1, the client's headers minus
/// hop-by-hop ones, plus <c>Fn-Call-Id</c> and <c>Fn-Deadline</c> (in place of a client's own); header values are sent as UTF-8. One
/// connection, one call at a time.
/// </summary>
public sealed class HttpStreamClient : IDisposable
{
    private static readonly Uri CallUri = new("http://localhost/call");

    private readonly HttpClient _client;

    /// <summary>Creates a client for the socket at <paramref name="socketPath"/> (the host path of <c>lsnr.sock</c>).</summary>
    public HttpStreamClient(string socketPath)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,

            // Kestrel hands FnSharp a client's non-ASCII header values decoded as UTF-8; they go on as
            // UTF-8, byte for byte. The default (ASCII only) throws before anything is sent, which
            // failed the call and killed a healthy container.
            RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Sends one call and returns as soon as the response headers have arrived; the body is read
    /// from the returned message by the caller, who disposes it.
    /// </summary>
    /// <param name="callId">The call's id, sent as <c>Fn-Call-Id</c>.</param>
    /// <param name="deadline">When the call times out, sent as <c>Fn-Deadline</c> (RFC 3339).</param>
    /// <param name="headers">The client's headers to pass on; hop-by-hop headers are dropped here.</param>
    /// <param name="body">The request body, streamed to the container.</param>
    /// <param name="contentLength">The body's length in bytes, or <see langword="null"/> to send it chunked.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="HttpRequestException">The connection failed or the reply was not HTTP.</exception>
    public async Task<HttpResponseMessage> SendAsync(
        string callId,
        DateTimeOffset deadline,
        IEnumerable<KeyValuePair<string, string>> headers,
        Stream body,
        long? contentLength,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(headers);
        using var request = new HttpRequestMessage(HttpMethod.Post, CallUri)
        {
            Version = System.Net.HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StreamContent(body),
        };
        request.Content.Headers.ContentLength = contentLength;
        foreach (var (name, value) in headers)
        {
            // The platform's own Fn-Call-Id and Fn-Deadline replace a client's, as Fn's agent sets them: added beside
            // them, a client's value was joined into one line ("x, <call id>") that the FDK read as the call's id.
            if (HopByHopHeaders.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals(FnHeaders.CallId, StringComparison.OrdinalIgnoreCase) || name.Equals(FnHeaders.Deadline, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation(FnHeaders.CallId, callId);
        request.Headers.TryAddWithoutValidation(FnHeaders.Deadline, deadline.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();
}
