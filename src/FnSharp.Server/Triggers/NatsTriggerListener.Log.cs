namespace FnSharp.Server.Triggers;

/// <summary>The log lines of <see cref="NatsTriggerListener"/>.</summary>
internal sealed partial class NatsTriggerListener
{
    // Event ids 1930-1999 belong to triggers: 1930-1959 to nats triggers.
    [LoggerMessage(1930, LogLevel.Information, "NATS triggers are off on this node: FN_NATS_URL is not set (creating a nats trigger is refused with 400)")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(1931, LogLevel.Critical, "NATS triggers do not run: the datastore does not list triggers by type")]
    private static partial void LogNoStore(ILogger logger, Exception exception);

    [LoggerMessage(1932, LogLevel.Warning, "NATS at {Url} cannot be reached ({Reason}); nats triggers wait and the server runs on; trying again in {BackoffSecs} s (messages wait in their streams)")]
    private static partial void LogUnreachable(ILogger logger, string url, string reason, long backoffSecs);

    [LoggerMessage(1933, LogLevel.Information, "Connected to NATS at {Url}: nats triggers run")]
    private static partial void LogConnected(ILogger logger, string url);

    [LoggerMessage(1934, LogLevel.Warning, "Lost the connection to NATS at {Url}; reconnecting with back-off (messages wait in their streams)")]
    private static partial void LogDisconnected(ILogger logger, string url);

    [LoggerMessage(1935, LogLevel.Error, "Could not read the nats triggers from the datastore; trying again at the next pass")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(1947, LogLevel.Error, "A pass over the nats triggers failed; the next one runs in {PollMs} ms")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, int pollMs);

    [LoggerMessage(1936, LogLevel.Information, "Nats trigger {TriggerId} subscribed to '{Subject}': stream {Stream}, durable consumer {Consumer}")]
    private static partial void LogSubscribed(ILogger logger, string triggerId, string subject, string stream, string consumer);

    [LoggerMessage(1937, LogLevel.Error, "Nats trigger {TriggerId} could not subscribe to '{Subject}'; trying again in {PollMs} ms")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string triggerId, string subject, int pollMs);

    [LoggerMessage(1938, LogLevel.Information, "Created JetStream stream {Stream} for subject '{Subject}' (nats trigger {TriggerId}): no stream captured it")]
    private static partial void LogStreamCreated(ILogger logger, string stream, string subject, string triggerId);

    [LoggerMessage(1939, LogLevel.Information, "Nats trigger {TriggerId} was deleted or its subject changed: stopped consumer {Consumer} of stream {Stream}")]
    private static partial void LogUnsubscribed(ILogger logger, string triggerId, string stream, string consumer);

    [LoggerMessage(1940, LogLevel.Information, "Removed JetStream consumer {Consumer} of stream {Stream}")]
    private static partial void LogConsumerRemoved(ILogger logger, string stream, string consumer);

    [LoggerMessage(1941, LogLevel.Warning, "Could not remove JetStream consumer {Consumer} of stream {Stream}; trying again at the next pass")]
    private static partial void LogRemoveFailed(ILogger logger, Exception exception, string stream, string consumer);

    [LoggerMessage(1942, LogLevel.Warning, "The consumer {Consumer} of nats trigger {TriggerId} stopped; it is started again in {PollMs} ms")]
    private static partial void LogConsumeFailed(ILogger logger, Exception exception, string triggerId, string consumer, int pollMs);

    [LoggerMessage(1943, LogLevel.Error, "Message {Stream}/{Sequence} of nats trigger {TriggerId} is {Bytes} bytes, over FN_MAX_REQUEST_SIZE ({MaxBytes}); it is not called and not delivered again")]
    private static partial void LogTooLarge(ILogger logger, string triggerId, string stream, ulong sequence, int bytes, long maxBytes);

    [LoggerMessage(1944, LogLevel.Error, "The call of message {Stream}/{Sequence} of nats trigger {TriggerId} could not be stored; the message is not acknowledged and comes again in {DelayMs} ms")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string triggerId, string stream, ulong sequence, long delayMs);

    [LoggerMessage(1945, LogLevel.Debug, "Message {Stream}/{Sequence} of nats trigger {TriggerId} queued call {CallId} of fn {FnId}")]
    private static partial void LogStored(ILogger logger, string triggerId, string stream, ulong sequence, string callId, string fnId);

    [LoggerMessage(1946, LogLevel.Information, "Message {Stream}/{Sequence} of nats trigger {TriggerId} came again (delivery {Delivery}); its call {CallId} is stored already, so it is only acknowledged")]
    private static partial void LogDuplicate(ILogger logger, string triggerId, string stream, ulong sequence, string callId, ulong delivery);
}
