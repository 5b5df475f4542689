namespace FnSharp.Server.Dashboard;

/// <summary>
/// The durations of one second, kept as only the buckets that counted something (most seconds of a fn
/// fill a handful of the <see cref="LatencyBuckets.Count"/> buckets), so that quantiles over a window can
/// be read by adding seconds together.
/// </summary>
internal sealed class SparseLatencies
{
    private readonly short[] _buckets;
    private readonly int[] _counts;

    private SparseLatencies(short[] buckets, int[] counts)
    {
        _buckets = buckets;
        _counts = counts;
    }

    /// <summary>The sparse form of <paramref name="dense"/>; <see langword="null"/> when it counted nothing.</summary>
    public static SparseLatencies? From(ReadOnlySpan<long> dense)
    {
        var used = 0;
        foreach (var c in dense)
        {
            used += c > 0 ? 1 : 0;
        }

        if (used == 0)
        {
            return null;
        }

        var buckets = new short[used];
        var counts = new int[used];
        var next = 0;
        for (var i = 0; i < dense.Length; i++)
        {
            if (dense[i] > 0)
            {
                buckets[next] = (short)i;
                counts[next] = (int)Math.Min(dense[i], int.MaxValue);
                next++;
            }
        }

        return new SparseLatencies(buckets, counts);
    }

    /// <summary>Adds these counts to <paramref name="dense"/>, one count per bucket.</summary>
    public void AddTo(Span<long> dense)
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            dense[_buckets[i]] += _counts[i];
        }
    }
}
