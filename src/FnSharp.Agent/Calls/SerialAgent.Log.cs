using FnSharp.Agent.Drivers;
using Microsoft.Extensions.Logging;

namespace FnSharp.Agent.Calls;

public sealed partial class SerialAgent
{
    // Event ids 2000-2099 belong to the agent.
    [LoggerMessage(2001, LogLevel.Information, "Started container {ContainerId} for fn {FnId} in {ElapsedMs:F0} ms")]
    private static partial void LogContainerStarted(ILogger logger, string containerId, string fnId, double elapsedMs);

    [LoggerMessage(2002, LogLevel.Warning, "Could not start a container for fn {FnId} with image {Image}: {Error}")]
    private static partial void LogContainerStartFailed(ILogger logger, Exception exception, string fnId, string image, ContainerStartError error);

    [LoggerMessage(2003, LogLevel.Warning, "Call {CallId} of fn {FnId} got no readable response from its container")]
    private static partial void LogReceiveFailed(ILogger logger, Exception exception, string callId, string fnId);
}
