using System.Globalization;

namespace FnSharp.Docker;

/// <summary>
/// An Engine API call that got no answer within its time (<see cref="DockerDriverOptions.ApiTimeoutMs"/> with no answer
/// to a ping either, or <see cref="DockerEngineClient.BusyEngineLimit"/> while the engine answered its pings): the engine
/// accepts connections but does not answer (hung, or a call stuck in it). An <see cref="HttpRequestException"/>, so that
/// it is taken as the engine not answering wherever a refused connection is (<see cref="DockerEngineClient.IsUnreachable"/>):
/// a start that meets it is <c>EngineUnavailable</c> and container starts back off.
/// </summary>
internal sealed class DockerEngineTimeoutException : HttpRequestException
{
    /// <summary>Creates the exception for <paramref name="operation"/> (an operation name of <c>docs/metrics.md</c>) and its time.</summary>
    /// <param name="operation">The Engine API operation, for example <c>container_create</c>.</param>
    /// <param name="timeout">The time it had.</param>
    /// <param name="setting">The setting that gave the time, named in the message.</param>
    /// <param name="inner">The cancellation that ended the call.</param>
    public DockerEngineTimeoutException(string operation, TimeSpan timeout, string setting, Exception? inner)
        : base(string.Create(CultureInfo.InvariantCulture, $"{operation} got no answer within {timeout.TotalMilliseconds:0} ms ({setting})"), inner)
    {
        Operation = operation;
        Timeout = timeout;
    }

    /// <summary>The Engine API operation that got no answer.</summary>
    public string Operation { get; }

    /// <summary>The time it had.</summary>
    public TimeSpan Timeout { get; }
}
