namespace FnSharp.Server.Dashboard;

internal sealed partial class LiveStats
{
    // Event ids 1800-1899 belong to the dashboard and its live statistics.
    [LoggerMessage(1801, LogLevel.Warning, "Live statistics follow at most {MaxFns} fns one by one; calls of further fns count for the node only until a followed fn has been idle for 5 minutes")]
    private static partial void LogTooManyFns(ILogger logger, int maxFns);
}
