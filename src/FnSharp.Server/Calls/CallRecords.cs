using System.Text;
using FnSharp.Agent.Calls;
using FnSharp.Agent.Drivers;
using FnSharp.Core.Models;
using FnSharp.Core.Storage;

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

    /// <summary>Takes the call's output from its container (see <see cref="CallExecution.TakeLogs"/>) as a <see cref="CallLog"/>, or <see langword="null"/> when it wrote nothing.</summary>
    public static CallLog? TakeLog(Call call, CallExecution? execution, long maxBytes) =>
        execution is not null && FormatLog(execution.TakeLogs(), maxBytes) is { } text ? new CallLog(call.Id, call.FnId, text) : null;
}
