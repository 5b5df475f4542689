namespace FnSharp.Docker;

/// <summary>
/// Attributes the lines of one output stream to calls by the FDK's log frame markers: an FDK writes
/// <c>\n&lt;FN_LOGFRAME_NAME&gt;=&lt;call id&gt;\n</c> at the start of each call (fdk-go's
/// <c>logFrameHeader</c>), so every line after a marker belongs to that call until the next marker.
/// Markers are not output; the empty line an FDK writes just before a marker is dropped with it.
/// Lines before the first marker belong to no call (<see langword="null"/>).
/// </summary>
internal sealed class LogFrameSplitter
{
    private readonly string _prefix;
    private bool _heldEmptyLine;

    /// <summary>Creates a splitter for markers named <paramref name="frameName"/> (the container's <c>FN_LOGFRAME_NAME</c>).</summary>
    public LogFrameSplitter(string frameName)
    {
        ArgumentException.ThrowIfNullOrEmpty(frameName);
        _prefix = frameName + "=";
    }

    /// <summary>The call the stream's lines belong to now, or <see langword="null"/> before the first marker.</summary>
    public string? CurrentCallId { get; private set; }

    /// <summary>Takes the next line; adds what it yields, with the call it belongs to, to <paramref name="output"/>.</summary>
    public void Push(string line, List<(string? CallId, string Text)> output)
    {
        if (line.Length > _prefix.Length && line.StartsWith(_prefix, StringComparison.Ordinal))
        {
            _heldEmptyLine = false;
            CurrentCallId = line[_prefix.Length..];
            return;
        }

        if (_heldEmptyLine)
        {
            output.Add((CurrentCallId, string.Empty));
            _heldEmptyLine = false;
        }

        // An empty line may be the first half of a marker: held until the next line says.
        if (line.Length == 0)
        {
            _heldEmptyLine = true;
            return;
        }

        output.Add((CurrentCallId, line));
    }

    /// <summary>Adds a held empty line at the end of the stream.</summary>
    public void Flush(List<(string? CallId, string Text)> output)
    {
        if (_heldEmptyLine)
        {
            output.Add((CurrentCallId, string.Empty));
            _heldEmptyLine = false;
        }
    }
}
