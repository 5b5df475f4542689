using System.Text;

namespace FnSharp.Docker;

/// <summary>
/// Cuts one output stream, which arrives in chunks of any size, into lines (UTF-8, without the line
/// break or a trailing <c>\r</c>). A line longer than the limit is cut into pieces of at most that size,
/// each ending on a whole UTF-8 character, so memory stays bounded whatever the container writes.
/// </summary>
internal sealed class LogLineAssembler
{
    private readonly byte[] _pending;
    private int _count;

    /// <summary>Creates an assembler that cuts lines at <paramref name="maxLineBytes"/> bytes.</summary>
    public LogLineAssembler(int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _pending = new byte[maxLineBytes];
    }

    /// <summary>Adds a chunk; each line it completes is added to <paramref name="lines"/>.</summary>
    public void Append(ReadOnlySpan<byte> chunk, List<string> lines)
    {
        while (!chunk.IsEmpty)
        {
            var newline = chunk.IndexOf((byte)'\n');
            var take = newline < 0 ? chunk.Length : newline;
            while (take > 0)
            {
                var room = _pending.Length - _count;
                if (room == 0)
                {
                    lines.Add(DrainPiece());
                    room = _pending.Length - _count;
                }

                var part = Math.Min(room, take);
                chunk[..part].CopyTo(_pending.AsSpan(_count));
                _count += part;
                chunk = chunk[part..];
                take -= part;
            }

            if (newline < 0)
            {
                return;
            }

            lines.Add(Drain());
            chunk = chunk[1..];
        }
    }

    /// <summary>Adds the unfinished last line, if any, to <paramref name="lines"/> (at the end of the stream).</summary>
    public void Flush(List<string> lines)
    {
        if (_count > 0)
        {
            lines.Add(Drain());
        }
    }

    /// <summary>
    /// Takes a piece of a line too long for the buffer: up to the last whole UTF-8 character, so that a
    /// character cut in two does not turn into two replacement characters; its bytes start the next piece.
    /// </summary>
    private string DrainPiece()
    {
        var cut = WholeCharacters(_pending.AsSpan(0, _count));
        if (cut == 0)
        {
            // A buffer smaller than one character: cut it anyway.
            cut = _count;
        }

        var piece = Encoding.UTF8.GetString(_pending, 0, cut);
        _pending.AsSpan(cut, _count - cut).CopyTo(_pending);
        _count -= cut;
        return piece;
    }

    /// <summary>How many of <paramref name="bytes"/> come before an unfinished UTF-8 sequence at their end (all of them when there is none).</summary>
    private static int WholeCharacters(ReadOnlySpan<byte> bytes)
    {
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                // A continuation byte: its lead byte is further back.
                continue;
            }

            var length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? bytes.Length - back : bytes.Length;
        }

        return bytes.Length;
    }

    private string Drain()
    {
        var length = _count > 0 && _pending[_count - 1] == (byte)'\r' ? _count - 1 : _count;
        var line = Encoding.UTF8.GetString(_pending, 0, length);
        _count = 0;
        return line;
    }
}
