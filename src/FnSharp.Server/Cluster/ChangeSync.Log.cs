namespace FnSharp.Server.Cluster;

internal sealed partial class ChangeSync
{
    // Event ids 1920-1929 belong to change notifications (StoreChangeListener has the others).
    [LoggerMessage(1923, LogLevel.Warning, "Node(s) {Nodes} did not acknowledge a change made through this node within {TimeoutMs} ms; answered anyway. They are not waited for again until they acknowledge one, this one late or a later one (they see this one when their change feed delivers it)")]
    private static partial void LogUnacknowledged(ILogger logger, string nodes, long timeoutMs);

    [LoggerMessage(1925, LogLevel.Warning, "The store did not list the nodes or send the sync of a change made through this node within {TimeoutMs} ms; answered anyway (the other nodes see the change when their change feed delivers it)")]
    private static partial void LogStoreSlow(ILogger logger, long timeoutMs);

    [LoggerMessage(1926, LogLevel.Warning, "Could not ask the other nodes to acknowledge a change made through this node; answered anyway (they see the change when their change feed delivers it)")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
