using System.Text;

namespace FnSharp.Docker;

/// <summary>
/// Cuts one output stream, which arrives in chunks of any size, into lines (UTF-8, without the line
/// break or a trailing <c>\r</c>). A line longer than the limit is cut into pieces of that size, so
/// memory stays bounded whatever the container writes.
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
                    lines.Add(Drain());
                    room = _pending.Length;
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

    private string Drain()
    {
        var length = _count > 0 && _pending[_count - 1] == (byte)'\r' ? _count - 1 : _count;
        var line = Encoding.UTF8.GetString(_pending, 0, length);
        _count = 0;
        return line;
    }
}
