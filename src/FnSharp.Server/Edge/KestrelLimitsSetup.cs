using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FnSharp.Server.Edge;

/// <summary>
/// Kestrel's limits, all in this one place, from the <c>FN_*</c> settings of <see cref="ServerOptions"/>;
/// and every endpoint's connections through <see cref="RejectionRewritingPipe"/>, so that Kestrel's own
/// refusals answer with JSON like the routes do.
/// </summary>
internal sealed class KestrelLimitsSetup(IOptions<ServerOptions> settings) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ServerOptions server;
        try
        {
            server = settings.Value;
        }
        catch (OptionsValidationException)
        {
            // Bad settings: the start-up check reports each one and the server exits 2; Kestrel must not crash first.
            return;
        }

        var limits = options.Limits;
        limits.MaxRequestHeadersTotalSize = server.MaxRequestHeadersSize;
        limits.MaxRequestHeaderCount = server.MaxRequestHeaderCount;
        limits.MaxRequestLineSize = server.MaxRequestLineSize;
        limits.RequestHeadersTimeout = TimeSpan.FromMilliseconds(server.RequestHeadersTimeoutMs);

        // RequestBodyGuard holds bodies to a pace per window; Kestrel's average from the body's first
        // byte would let a client that sent much at once stall for hours.
        limits.MinRequestBodyDataRate = null;

        // Bodies are limited by FN_MAX_REQUEST_SIZE where they are read, with Fn's message; Kestrel's
        // 30 MB default stays as the bound of routes that never lift it. Kept at their defaults: the
        // pace of reading answers (MinResponseDataRate, 240 bytes per second after 5 s), the time an idle
        // connection is kept (KeepAliveTimeout, 130 s) and connections without a bound in number.
        options.ConfigureEndpointDefaults(listen => listen.Use(RejectionRewritingPipe.Middleware));
    }
}
