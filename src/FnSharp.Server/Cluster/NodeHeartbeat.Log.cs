namespace FnSharp.Server.Cluster;

internal sealed partial class NodeHeartbeat
{
    // Event ids 1900-1929 belong to the cluster: 1900-1919 to membership.
    [LoggerMessage(1900, LogLevel.Information, "Node {Node} joined the cluster at {Url}; heartbeat every {HeartbeatMs} ms (FN_NODE_HEARTBEAT_MSECS)")]
    private static partial void LogJoined(ILogger logger, string node, string url, int heartbeatMs);

    [LoggerMessage(1901, LogLevel.Warning, "Could not store the heartbeat of node {Node}; trying again in {HeartbeatMs} ms. Other nodes count it as gone after three missed heartbeats")]
    private static partial void LogBeatFailed(ILogger logger, Exception exception, string node, int heartbeatMs);

    [LoggerMessage(1902, LogLevel.Warning, "Node {Node} at {Url} is gone: no heartbeat since {HeartbeatAt:O} (more than {GoneAfterMs} ms); its detached calls run again elsewhere once their leases end")]
    private static partial void LogGone(ILogger logger, string node, string url, DateTimeOffset heartbeatAt, long goneAfterMs);

    [LoggerMessage(1903, LogLevel.Information, "Node {Node} at {Url} is back")]
    private static partial void LogBack(ILogger logger, string node, string url);

    [LoggerMessage(1904, LogLevel.Information, "Node {Node} was removed from the membership: no heartbeat for {ForgetSecs} s (FN_NODE_FORGET_SECS)")]
    private static partial void LogForgotten(ILogger logger, string node, int forgetSecs);

    [LoggerMessage(1905, LogLevel.Information, "Node {Node} left the cluster")]
    private static partial void LogLeft(ILogger logger, string node);

    [LoggerMessage(1906, LogLevel.Warning, "Node {Node} could not remove its heartbeat as it stopped; the others count it as gone after three missed heartbeats")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, string node);
}
