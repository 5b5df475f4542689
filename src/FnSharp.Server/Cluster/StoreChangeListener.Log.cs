namespace FnSharp.Server.Cluster;

internal sealed partial class StoreChangeListener
{
    // Event ids 1900-1929 belong to the cluster: 1920-1929 to change notifications, and 1919 (membership leaves it).
    [LoggerMessage(1920, LogLevel.Information, "Listening for changes other nodes make to apps, fns and triggers; cached lookups are dropped at each")]
    private static partial void LogSubscribed(ILogger logger);

    [LoggerMessage(1921, LogLevel.Information, "Listening for changes again after {Failures} failed attempt(s); the lookup cache starts empty")]
    private static partial void LogResubscribed(ILogger logger, int failures);

    [LoggerMessage(1922, LogLevel.Warning, "Cannot listen for changes other nodes make (attempt {Failures}); every lookup goes to the store until it can. Trying again in {RetryMs} ms")]
    private static partial void LogListenFailed(ILogger logger, Exception exception, int failures, long retryMs);

    [LoggerMessage(1927, LogLevel.Information, "The {What} {Id} was removed through node {Node}: its containers on this node are removed")]
    private static partial void LogRemovedElsewhere(ILogger logger, string what, string id, string node);

    [LoggerMessage(1928, LogLevel.Warning, "Could not tell the other nodes that the {What} {Id} was {Change} through this node; their containers of it idle out, and they keep its min-hot as it was until they restart")]
    private static partial void LogAnnouncementNotSent(ILogger logger, Exception exception, string what, string id, string change);

    [LoggerMessage(1929, LogLevel.Information, "The {What} {Id} was created or changed through node {Node}: this node keeps its min-hot containers in its configuration and lets the old configuration's go")]
    private static partial void LogChangedElsewhere(ILogger logger, string what, string id, string node);

    [LoggerMessage(1919, LogLevel.Warning, "Could not act on another node's removal or change of a fn or an app; this node's containers of it idle out, and its min-hot is read again at the next start")]
    private static partial void LogApplyFailed(ILogger logger, Exception exception);

    [LoggerMessage(1924, LogLevel.Warning, "Could not acknowledge a change made through node {Writer}; it answers after its timeout")]
    private static partial void LogAckFailed(ILogger logger, Exception exception, string writer);
}
