using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Runner.Queue;

internal sealed partial class SlotQueue
{
    // Event ids 2000-2099 belong to the agent: 2001-2019 to the call path (slot queues, launcher, dispatcher).
    [LoggerMessage(2005, LogLevel.Debug, "Container {ContainerId} of fn {FnId} stopped after its idle timeout")]
    private static partial void LogIdleOut(ILogger logger, string containerId, string fnId);

    [LoggerMessage(2007, LogLevel.Error, "Launching a container for fn {FnId} failed unexpectedly")]
    private static partial void LogLaunchCrashed(ILogger logger, Exception exception, string fnId);
}
