using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace FnSharp.Server.Edge;

/// <summary>A connection's transport with its output through <see cref="RejectionRewritingWriter"/>.</summary>
internal sealed class RejectionRewritingPipe(IDuplexPipe transport, RejectionMark mark) : IDuplexPipe
{
    public PipeReader Input { get; } = transport.Input;

    public PipeWriter Output { get; } = new RejectionRewritingWriter(transport.Output, mark);

    /// <summary>
    /// The connection middleware of every Kestrel endpoint: a <see cref="RejectionMark"/> in the
    /// connection's features (where <see cref="KestrelRejections"/> finds it) and the transport wrapped.
    /// </summary>
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => connection =>
    {
        var mark = new RejectionMark();
        connection.Features.Set(mark);
        connection.Transport = new RejectionRewritingPipe(connection.Transport, mark);
        return next(connection);
    };
}
