using System.Diagnostics;

namespace FnSharp.Agent.Runner;

/// <summary>
/// The runner's spans on the activity source <c>FnSharp.Agent</c>: <c>fnsharp.queue_wait</c> (a call
/// waiting for a container), <c>fnsharp.container_start</c> (create and start until the socket is ready)
/// and <c>fnsharp.dispatch</c> (the call sent to its container until the answer's head). Spans cost
/// nothing unless a listener (the OpenTelemetry SDK, a test) samples the source.
/// </summary>
public static class AgentTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "FnSharp.Agent";

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? Start(string name, string fnId, string? callId = null)
    {
        var activity = Source.StartActivity(name, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("fn_id", fnId);
            if (callId is not null)
            {
                activity.SetTag("call_id", callId);
            }
        }

        return activity;
    }
}
