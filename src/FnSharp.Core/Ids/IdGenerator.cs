using System.Security.Cryptography;

namespace FnSharp.Core.Ids;

/// <summary>
/// Makes 26-character, lexicographically sortable ids in Crockford base32, as Fn's ids are
/// (<c>fn-compat.md</c> section 1): 48 bits of Unix time in milliseconds, 16 bits of node id,
/// then a 64-bit counter that starts at a random value. Ids from one generator strictly increase,
/// even when the clock stands still or steps back; the random counter start keeps ids from two
/// processes (or a restarted one) apart. Thread-safe.
/// </summary>
public sealed class IdGenerator
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly System.Buffers.SearchValues<char> AlphabetValues = System.Buffers.SearchValues.Create(Alphabet);

    private readonly TimeProvider _time;
    private readonly ushort _node;
    private readonly Lock _lock = new();
    private long _lastMs;
    private ulong _counter;

    /// <summary>Creates a generator.</summary>
    /// <param name="time">The clock that gives the time prefix.</param>
    /// <param name="node">This node's number, kept in bits 48..63 of every id.</param>
    public IdGenerator(TimeProvider time, ushort node = 0)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _node = node;
        _counter = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
    }

    /// <summary>Returns a new id, greater than every id this generator made before.</summary>
    public string NewId()
    {
        long ms;
        ulong counter;
        lock (_lock)
        {
            ms = Math.Max(_time.GetUtcNow().ToUnixTimeMilliseconds(), _lastMs);
            _counter++;
            if (_counter == 0)
            {
                // The counter wrapped: move time on so ids keep increasing.
                ms++;
            }

            _lastMs = ms;
            counter = _counter;
        }

        return Encode((ulong)ms, _node, counter);
    }

    /// <summary>
    /// The id of something that may arrive more than once, such as a message redelivered by a broker: the
    /// time prefix of <paramref name="at"/> and 80 bits of the SHA-256 of <paramref name="key"/> in place of
    /// the node and counter, so that the same time and key always give the same id (and other keys, in
    /// practice, never do). It sorts among generated ids by its time.
    /// </summary>
    public static string Derive(DateTimeOffset at, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key), hash);
        var ms = (ulong)Math.Clamp(at.ToUnixTimeMilliseconds(), 0, (1L << 48) - 1);
        return Encode(ms, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(hash), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash[2..]));
    }

    /// <summary>Whether <paramref name="id"/> has the shape of an id: 26 Crockford base32 characters.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: 26 } && id[0] <= '7' && id.AsSpan().IndexOfAnyExcept(AlphabetValues) < 0;

    private static string Encode(ulong ms, ushort node, ulong counter)
    {
        // 128 bits = high (time 48 | node 16) and low (counter 64), written as 26 five-bit digits
        // from the most significant end; the first digit carries the top 3 bits.
        var high = (ms << 16) | node;
        Span<char> chars = stackalloc char[26];
        for (var i = 25; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(counter & 31)];
            counter = (counter >> 5) | ((high & 31) << 59);
            high >>= 5;
        }

        return new string(chars);
    }
}
