using System.Diagnostics;

namespace FnSharp.Agent.Runner;

/// <summary>
/// The runner's spans on the activity source <c>FnSharp.Agent</c>: <c>fnsharp.queue_wait</c> (a call
/// waiting for a container), <c>fnsharp.container_start</c> (create and start until the socket is ready,
/// tagged with each phase's ms) and <c>fnsharp.dispatch</c> (the call sent to its container until the
/// answer's head, tagged with the call's <c>fnsharp.start_kind</c>, and the start's phases for a cold or
/// prewarmed call). Spans cost
/// nothing unless a listener (the OpenTelemetry SDK, a test) samples the source.
/// </summary>
public static class AgentTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "FnSharp.Agent";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>Tags <paramref name="span"/> with each phase of a container's start: <c>fnsharp.start.create_ms</c>, <c>fnsharp.start.start_ms</c>, <c>fnsharp.start.ready_ms</c>.</summary>
    internal static void TagPhases(Activity? span, ContainerStartPhases phases)
    {
        if (span is null)
        {
            return;
        }

        foreach (var (phase, ms) in phases.ToMilliseconds())
        {
            span.SetTag($"fnsharp.start.{phase}_ms", ms);
        }
    }

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
