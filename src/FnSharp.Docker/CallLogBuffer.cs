using System.Globalization;

namespace FnSharp.Docker;

/// <summary>
/// A container's captured output, bounded: the lines of each call until taken (at most a number of lines
/// per call, then a last line saying how many more were dropped), at most a number of lines in all
/// (when more come, the calls written longest ago go first), and the last stderr lines for the exit report.
/// Written by the container's log reader, read by the call's owner: guarded by a lock.
/// </summary>
/// <remarks>
/// The bound is on lines, not on calls: a call's lines are taken some time after it ended (the output
/// wait of <c>FN_CALL_LOG_WAIT_MSECS</c>), and a busy container serves many calls meanwhile; a bound of a
/// few calls lost the logs of most calls of a busy fn.
/// </remarks>
internal sealed class CallLogBuffer
{
    private readonly Lock _lock = new();

    // The calls with lines not yet taken, and their order of first line (oldest first) for eviction.
    private readonly Dictionary<string, CallLines> _calls = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _callOrder = new();
    private readonly Queue<string> _stderrTail = new();
    private readonly int _linesPerCall;
    private readonly int _linesKept;
    private readonly int _tailLines;
    private int _lineCount;

    /// <param name="linesPerCall">The most lines kept of one call.</param>
    /// <param name="linesKept">The most lines kept of all calls not yet taken (at least <paramref name="linesPerCall"/>).</param>
    /// <param name="tailLines">The stderr lines kept for the exit report.</param>
    public CallLogBuffer(int linesPerCall, int linesKept, int tailLines)
    {
        _linesPerCall = linesPerCall;
        _linesKept = Math.Max(linesKept, linesPerCall);
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
                lines = new CallLines(_callOrder.AddLast(callId));
                _calls[callId] = lines;
            }

            if (lines.Lines.Count >= _linesPerCall)
            {
                lines.Dropped++;
                return;
            }

            lines.Lines.Add(line);
            _lineCount++;

            // Never the call just written to: it holds at most linesPerCall <= linesKept lines.
            while (_lineCount > _linesKept && _callOrder.First is { } oldest && oldest.Value != callId)
            {
                Remove(oldest.Value);
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
            if (Remove(callId) is not { } lines)
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

    private CallLines? Remove(string callId)
    {
        if (!_calls.Remove(callId, out var lines))
        {
            return null;
        }

        _callOrder.Remove(lines.Node);
        _lineCount -= lines.Lines.Count;
        return lines;
    }

    /// <summary>The lines kept of one call, how many more it wrote, and its place in the eviction order.</summary>
    private sealed class CallLines(LinkedListNode<string> node)
    {
        public LinkedListNode<string> Node { get; } = node;

        public List<ContainerLogLine> Lines { get; } = [];

        public long Dropped { get; set; }
    }
}
