using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace FnSharp.Fdk;

/// <summary>
/// A console writer (stdout or stderr) that writes the current call's log frame marker just before the first text the
/// call writes to it, so that a call that writes nothing costs no marker (see <see cref="LogFrame"/>). Every write and
/// flush goes to the writer it wraps. The console wraps it in its synchronized writer, whose asynchronous writes call
/// these synchronous ones.
/// </summary>
internal sealed class LogFrameWriter : TextWriter
{
    private readonly TextWriter _inner;

    // Guards the pending marker and the line state, so that a marker, or the end of a call's unfinished line, is not
    // written into the middle of another thread's text.
    private readonly Lock _gate = new();
    private string? _pending;
    private bool _atLineStart = true;

    /// <summary>Wraps <paramref name="inner"/> (the console's own writer, or a test's).</summary>
    internal LogFrameWriter(TextWriter inner)
        : base(inner.FormatProvider)
    {
        _inner = inner;
    }

    /// <inheritdoc />
    public override Encoding Encoding => _inner.Encoding;

    /// <inheritdoc />
    [AllowNull]
    public override string NewLine
    {
        get => _inner.NewLine;
        set => _inner.NewLine = value;
    }

    /// <summary>
    /// Starts a call: ends the line the last call left unfinished (as the leading newline of Fn's marker at every call's
    /// start does, so that the platform has that line while it collects the call's log), and makes
    /// <paramref name="marker"/> the one to write before the next text (<see langword="null"/>: none). A marker not
    /// written yet (its call wrote nothing here) is dropped.
    /// </summary>
    internal void Begin(string? marker)
    {
        lock (_gate)
        {
            if (!_atLineStart)
            {
                _inner.Write('\n');
                _inner.Flush();
                _atLineStart = true;
            }

            _pending = marker;
        }
    }

    /// <inheritdoc />
    public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (buffer.IsEmpty)
        {
            return;
        }

        lock (_gate)
        {
            WritePending();
            _inner.Write(buffer);
            _atLineStart = buffer[^1] == '\n';
        }
    }

    /// <inheritdoc />
    public override void Write(string? value) => Write(value.AsSpan());

    /// <inheritdoc />
    public override void WriteLine() => WriteLine(ReadOnlySpan<char>.Empty);

    /// <inheritdoc />
    public override void WriteLine(string? value) => WriteLine(value.AsSpan());

    /// <inheritdoc />
    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        lock (_gate)
        {
            WritePending();
            _inner.WriteLine(buffer);
            _atLineStart = true;
        }
    }

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    private void WritePending()
    {
        if (_pending is { } marker)
        {
            _pending = null;
            _inner.Write(marker);
        }
    }
}
