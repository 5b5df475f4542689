using System.Globalization;
using FnSharp.Agent.Drivers;

namespace FnSharp.Docker;

/// <summary>
/// A container's captured output, bounded: the lines of each call until taken (at most a number of lines
/// per call, then a last line saying how many more were dropped, and of calls; the oldest call goes
/// first), and the last stderr lines for the exit report.
/// Written by the container's log reader, read by the call's owner: guarded by a lock.
/// </summary>
internal sealed class CallLogBuffer
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, CallLines> _calls = new(StringComparer.Ordinal);
    private readonly Queue<string> _callOrder = new();
    private readonly Queue<string> _stderrTail = new();
    private readonly int _linesPerCall;
    private readonly int _callsKept;
    private readonly int _tailLines;

    public CallLogBuffer(int linesPerCall, int callsKept, int tailLines)
    {
        _linesPerCall = linesPerCall;
        _callsKept = callsKept;
        _tailLines = tailLines;
    }

    /// <summary>Keeps <paramref name="line"/> for <paramref name="callId"/> (when not null) and, for stderr, in the tail.</summary>
    public void Add(string? callId, ContainerLogLine line)
    {
        lock (_lock)
        {
            if (line.Stream == ContainerOutput.Stderr)
            {
                if (_stderrTail.Count == _tailLines)
                {
                    _stderrTail.Dequeue();
                }

                _stderrTail.Enqueue(line.Text);
            }

            if (callId is null)
            {
                return;
            }

            if (!_calls.TryGetValue(callId, out var lines))
            {
                while (_callOrder.Count >= _callsKept && _callOrder.TryDequeue(out var oldest))
                {
                    _calls.Remove(oldest);
                }

                lines = new CallLines();
                _calls[callId] = lines;
                _callOrder.Enqueue(callId);
            }

            if (lines.Lines.Count < _linesPerCall)
            {
                lines.Lines.Add(line);
            }
            else
            {
                lines.Dropped++;
            }
        }
    }

    /// <summary>
    /// Removes and returns the lines of <paramref name="callId"/>; empty when there are none. When more
    /// lines came than are kept per call, a last line (on stderr) says how many were dropped.
    /// </summary>
    public IReadOnlyList<ContainerLogLine> Take(string callId)
    {
        lock (_lock)
        {
            // The id stays in the order queue until it reaches the front; removing it there is a no-op.
            if (!_calls.Remove(callId, out var lines))
            {
                return [];
            }

            if (lines.Dropped > 0)
            {
                lines.Lines.Add(new ContainerLogLine(
                    ContainerOutput.Stderr,
                    string.Create(CultureInfo.InvariantCulture, $"[fnsharp: log truncated at {_linesPerCall} lines per call, {lines.Dropped} {(lines.Dropped == 1 ? "line" : "lines")} dropped]")));
            }

            return lines.Lines;
        }
    }

    /// <summary>The last stderr lines, oldest first.</summary>
    public IReadOnlyList<string> StderrTail()
    {
        lock (_lock)
        {
            return [.. _stderrTail];
        }
    }

    /// <summary>The lines kept of one call, and how many more it wrote.</summary>
    private sealed class CallLines
    {
        public List<ContainerLogLine> Lines { get; } = [];

        public long Dropped { get; set; }
    }
}
