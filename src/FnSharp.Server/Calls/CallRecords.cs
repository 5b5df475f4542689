using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;

namespace FnSharp.Server.Calls;

/// <summary>
/// The stored form of a call's end and of its output, shared by the synchronous path (records written
/// behind by <see cref="CallRecorder"/>) and the worker of detached calls.
/// </summary>
internal static class CallRecords
{
    /// <summary>The record's status for an outcome: success, timeout (the fn's or the container start's) or error.</summary>
    public static string StateOf(CallStatus status) => status switch
    {
        CallStatus.Success => CallStates.Success,
        CallStatus.TimedOut or CallStatus.ContainerInitTimedOut => CallStates.Timeout,
        _ => CallStates.Error,
    };

    /// <summary>
    /// <paramref name="call"/> with how it had its container, from <paramref name="execution"/>: its
    /// <c>start_kind</c>, the <c>start_phases_ms</c> of a cold or prewarmed call, and its <c>timeline_ms</c>
    /// until <paramref name="completedAt"/>; unchanged when it reached no container.
    /// </summary>
    public static Call WithStart(Call call, CallExecution? execution, DateTimeOffset completedAt) => execution is null ? call : call with
    {
        StartKind = KindName(execution.StartKind),
        StartPhasesMs = execution.StartPhases?.ToMilliseconds(),
        TimelineMs = Timeline(call, execution, completedAt),
    };

    /// <summary>The record's spelling of a start kind: <c>cold</c>, <c>warm</c>, <c>thawed</c>, <c>prewarmed</c>.</summary>
    public static string KindName(StartKind kind) => kind switch
    {
        StartKind.Cold => CallStartKinds.Cold,
        StartKind.Thawed => CallStartKinds.Thawed,
        StartKind.Prewarmed => CallStartKinds.Prewarmed,
        _ => CallStartKinds.Warm,
    };

    /// <summary>
    /// The phases of a call that reached a container, in ms and in order (pure): <c>queued</c> for a detached
    /// call (from its arrival until a worker claimed it: <paramref name="call"/>'s <see cref="Call.StartedAt"/>
    /// then), <c>waiting</c> (for a container), <c>starting</c> (the part of the wait its cold container's start
    /// took), <c>running</c> (from the container's assignment to <paramref name="completedAt"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, long> Timeline(Call call, CallExecution execution, DateTimeOffset completedAt)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(execution);
        var timeline = new Dictionary<string, long>(StringComparer.Ordinal);
        var waitFrom = call.CreatedAt;
        if (call.Type == CallTypes.Detached && call.StartedAt is { } claimed && claimed >= call.CreatedAt)
        {
            timeline["queued"] = Ms(claimed - call.CreatedAt);
            waitFrom = claimed;
        }

        var waited = Ms(execution.StartedAt - waitFrom);
        var starting = execution.StartKind == StartKind.Cold && execution.StartPhases is { } phases ? Math.Min(waited, (long)Math.Round(phases.TotalMs)) : 0;
        timeline["waiting"] = waited - starting;
        if (execution.StartKind == StartKind.Cold)
        {
            timeline["starting"] = starting;
        }

        timeline["running"] = Ms(completedAt - execution.StartedAt);
        return timeline;

        static long Ms(TimeSpan span) => Math.Max(0, (long)Math.Round(span.TotalMilliseconds));
    }

    /// <summary>
    /// The log text of <paramref name="lines"/>: one line per output line, each ending in <c>\n</c>, cut at
    /// <paramref name="maxBytes"/> bytes of UTF-8 at a line boundary, with a
    /// last line saying how much was dropped. <see langword="null"/> when there are no lines.
    /// </summary>
    /// <param name="lines">The call's output lines, in arrival order.</param>
    /// <param name="maxBytes">The cap (<c>FN_MAX_LOG_SIZE_BYTES</c>), at least 1.</param>
    public static string? FormatLog(IReadOnlyList<ContainerLogLine> lines, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        long bytes = 0;
        var kept = 0;
        foreach (var line in lines)
        {
            var size = Encoding.UTF8.GetByteCount(line.Text) + 1;
            if (bytes + size > maxBytes)
            {
                break;
            }

            text.Append(line.Text).Append('\n');
            bytes += size;
            kept++;
        }

        if (kept < lines.Count)
        {
            var dropped = lines.Count - kept;
            text.Append("[fnsharp: log truncated at FN_MAX_LOG_SIZE_BYTES=").Append(maxBytes)
                .Append(", ").Append(dropped).Append(dropped == 1 ? " line dropped]\n" : " lines dropped]\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Takes the call's output from its container (see <see cref="CallExecution.TakeLogs"/>) as a <see cref="CallLog"/>;
    /// for a call that reached no container, the platform's <paramref name="failureLog"/> (why its container would not
    /// start, <see cref="CallResult.FailureLog"/>) as one line starting <c>[fnsharp]</c>. <see langword="null"/> when there is neither.
    /// </summary>
    public static CallLog? TakeLog(Call call, CallExecution? execution, string? failureLog, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(call);
        IReadOnlyList<ContainerLogLine> lines = execution is not null ? execution.TakeLogs()
            : failureLog is not null ? [new ContainerLogLine(ContainerOutput.Stderr, FailureLogPrefix + failureLog)]
            : [];
        return FormatLog(lines, maxBytes) is { } text ? new CallLog(call.Id, call.FnId, text) : null;
    }

    /// <summary>The start of the line the platform writes in the log of a call whose container would not start.</summary>
    public const string FailureLogPrefix = "[fnsharp] the call's container would not start: ";
}
