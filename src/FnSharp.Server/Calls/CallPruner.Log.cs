namespace FnSharp.Server.Calls;

internal sealed partial class CallPruner
{
    // Event ids 1311-1319, in the range of call records (see CallRecorder.Log.cs).
    [LoggerMessage(1311, LogLevel.Information, "Pruned {Count} ended call(s) completed before {Before:O} (FN_CALL_MAX_AGE_SECS={MaxAgeSeconds})")]
    private static partial void LogPruned(ILogger logger, int count, DateTimeOffset before, int maxAgeSeconds);

    [LoggerMessage(1312, LogLevel.Warning, "Pruning old calls failed; trying again in {IntervalMinutes} min")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception, double intervalMinutes);
}
