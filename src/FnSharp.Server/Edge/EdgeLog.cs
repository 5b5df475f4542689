namespace FnSharp.Server.Edge;

/// <summary>The edge's own log lines (event ids 1600-1699, with <see cref="KestrelRejections"/>' 1601), at debug level: a hostile client must not flood the log.</summary>
internal static partial class EdgeLog
{
    [LoggerMessage(1602, LogLevel.Debug, "Request {Method} {Path} from {RemoteAddress} refused with 408: its body came too slowly over {WindowMs} ms of waiting for it (FN_REQUEST_BODY_TIMEOUT_MSECS, FN_MIN_REQUEST_BODY_RATE)")]
    public static partial void BodyTooSlow(ILogger logger, string method, string path, string remoteAddress, int windowMs);
}
