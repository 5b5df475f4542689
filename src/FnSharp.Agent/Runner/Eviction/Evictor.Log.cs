using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Eviction;

internal sealed partial class Evictor
{
    // Event ids 2000-2099 belong to the agent; 2021 is the evictor's.
    [LoggerMessage(2021, LogLevel.Information, "Evicted idle container {ContainerId} of fn {FnId} to make room for fn {ForFnId}")]
    private static partial void LogEvicted(ILogger logger, string containerId, string fnId, string forFnId);
}
