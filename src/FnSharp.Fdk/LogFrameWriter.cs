using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace FnSharp.Fdk;

/// <summary>
/// A console writer (stdout or stderr) that writes the current call's log frame marker just before the first text the
/// call writes to it, so that a call that writes nothing costs no marker (see <see cref="LogFrame"/>). Every write and
/// flush goes to the writer it wraps; asynchronous writes complete synchronously, as the console's own writer does.
/// </summary>
internal sealed class LogFrameWriter : TextWriter
{
    private readonly TextWriter _inner;
    private string? _pending;

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
    /// Makes <paramref name="marker"/> the one to write before the next text (<see langword="null"/>: none); a marker
    /// not written yet (its call wrote nothing here) is dropped.
    /// </summary>
    internal void SetPending(string? marker) => Volatile.Write(ref _pending, marker);

    /// <inheritdoc />
    public override void Write(char value)
    {
        WritePending();
        _inner.Write(value);
    }

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count)
    {
        if (count > 0)
        {
            WritePending();
        }

        _inner.Write(buffer, index, count);
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<char> buffer)
    {
        if (!buffer.IsEmpty)
        {
            WritePending();
        }

        _inner.Write(buffer);
    }

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            WritePending();
        }

        _inner.Write(value);
    }

    /// <inheritdoc />
    public override void WriteLine()
    {
        WritePending();
        _inner.WriteLine();
    }

    /// <inheritdoc />
    public override void WriteLine(string? value)
    {
        WritePending();
        _inner.WriteLine(value);
    }

    /// <inheritdoc />
    public override void WriteLine(ReadOnlySpan<char> buffer)
    {
        WritePending();
        _inner.WriteLine(buffer);
    }

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    // Taken at most once per marker, also when two threads write at once: the console wraps this writer in its
    // synchronized one, so the marker and the text after it are not split by another thread's text.
    private void WritePending()
    {
        if (Volatile.Read(ref _pending) is not null && Interlocked.Exchange(ref _pending, null) is { } marker)
        {
            _inner.Write(marker);
        }
    }
}
