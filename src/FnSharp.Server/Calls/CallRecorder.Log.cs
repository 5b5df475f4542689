namespace FnSharp.Server.Calls;

internal sealed partial class CallRecorder
{
    // Event ids 1300-1399 belong to call records and logs: 1301-1309 the recorder, 1311-1319 the pruner.
    [LoggerMessage(1301, LogLevel.Warning, "The queue of call records is full ({Capacity} records): {Count} record(s) dropped since the last report; the store does not keep up with the calls")]
    private static partial void LogQueueFull(ILogger logger, long count, int capacity);

    [LoggerMessage(1302, LogLevel.Warning, "Writing {Count} call record(s) failed (attempt {Attempt}); retrying in {DelaySeconds} s")]
    private static partial void LogWriteRetried(ILogger logger, Exception exception, int count, int attempt, double delaySeconds);

    [LoggerMessage(1303, LogLevel.Error, "Writing {Count} call record(s) failed {Attempts} time(s); they are dropped")]
    private static partial void LogWriteDropped(ILogger logger, Exception exception, int count, int attempts);

    [LoggerMessage(1304, LogLevel.Warning, "The output of call {CallId} of fn {FnId} could not be taken from its container; its record has no log")]
    private static partial void LogOutputLost(ILogger logger, Exception exception, string callId, string fnId);
}
