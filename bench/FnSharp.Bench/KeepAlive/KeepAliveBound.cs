namespace FnSharp.Bench.KeepAlive;

/// <summary>One point of <see cref="KeepAliveBound.Frontier"/>: the cold starts, memory and container starts at one price.</summary>
/// <param name="PriceGiBSeconds">The price of a cold start the windows were chosen by, in GiB-seconds.</param>
/// <param name="Cold">Cold starts (each fn's first call included).</param>
/// <param name="MemoryGiBSeconds">Idle container memory between calls, in GiB-seconds.</param>
/// <param name="Starts">Container starts: the cold ones and the pre-warms.</param>
internal readonly record struct BoundPoint(double PriceGiBSeconds, int Cold, double MemoryGiBSeconds, int Starts);

/// <summary>
/// How well any keep-alive policy that gives each fn one set of windows (a keep-alive, or a pre-warm and a keep-alive
/// after it, none longer than the bound) can do on a trace, the windows chosen in hindsight from all of the fn's idle
/// times: for each price of a cold start, each fn takes the windows with the least memory plus the price of its cold
/// starts. An online policy that learns the windows from the idle times seen so far (hybrid, cost) cannot do better
/// than this, save by changing a fn's windows as its calls go (which, on the synthetic trace, only helps bursty fns,
/// whose bursts have one size each). Idle times are those between calls (the container after a fn's last call is not
/// counted); the thresholds are 5% apart, as the histogram's bins.
/// </summary>
internal static class KeepAliveBound
{
    /// <summary>The points of the trade-off at <paramref name="prices"/> (GiB-seconds per cold start) with windows bounded by <paramref name="bound"/>.</summary>
    public static IReadOnlyList<BoundPoint> Frontier(KeepAliveTrace trace, TimeSpan bound, IReadOnlyList<double> prices)
    {
        var limit = bound.TotalSeconds;
        var edges = Grid(TimeSpan.FromHours(5).TotalSeconds);
        var keeps = edges.Where(e => e < limit).Prepend(0).Append(limit).ToArray();
        var options = trace.Calls.GroupBy(c => c.Fn)
            .Select(g => Options(g.Select(c => c.At.TotalSeconds).Order().ToArray(), trace.Fns[g.Key].MemoryMiB / 1024.0, keeps, edges, limit))
            .ToArray();
        return prices.Select(price =>
        {
            int cold = 0, starts = 0;
            var memory = 0.0;
            foreach (var fn in options)
            {
                var best = fn.MinBy(o => o.MemoryGiBSeconds + (price * o.Cold));
                cold += best.Cold;
                memory += best.MemoryGiBSeconds;
                starts += best.Starts;
            }

            return new BoundPoint(price, cold, memory, starts);
        }).ToArray();
    }

    /// <summary>Thresholds from 1 s, each 5% past the one before, up to <paramref name="until"/> seconds.</summary>
    private static double[] Grid(double until)
    {
        var edges = new List<double>();
        for (var edge = 1.0; edge < until; edge *= 1.05)
        {
            edges.Add(edge);
        }

        return [.. edges];
    }

    /// <summary>Each choice of windows for one fn with calls at <paramref name="times"/>, those no better on both counts than another left out.</summary>
    private static List<BoundPoint> Options(double[] times, double memoryGiB, double[] keeps, double[] edges, double limit)
    {
        var idle = times.Zip(times.Skip(1), (a, b) => b - a).Order().ToArray();
        var sums = new double[idle.Length + 1];
        for (var i = 0; i < idle.Length; i++)
        {
            sums[i + 1] = sums[i] + idle[i];
        }

        var all = new List<BoundPoint>();
        foreach (var keep in keeps)
        {
            all.Add(Of(0, keep, prewarm: false));
        }

        for (var p = 0; p < edges.Length; p++)
        {
            for (var q = p + 1; q < edges.Length && edges[q] - edges[p] <= limit; q++)
            {
                all.Add(Of(edges[p], edges[q], prewarm: true));
            }
        }

        all.Sort((a, b) => a.MemoryGiBSeconds.CompareTo(b.MemoryGiBSeconds));
        var kept = new List<BoundPoint>();
        foreach (var option in all)
        {
            if (kept.Count == 0 || option.Cold < kept[^1].Cold)
            {
                kept.Add(option);
            }
        }

        return kept;

        BoundPoint Of(double from, double until, bool prewarm)
        {
            var early = LowerBound(idle, from);
            var within = UpperBound(idle, until);
            var past = idle.Length - within;
            var seconds = sums[within] - sums[early] - (from * (within - early)) + ((until - from) * past);
            var cold = 1 + early + past;
            return new BoundPoint(0, cold, memoryGiB * seconds, cold + (prewarm ? idle.Length - early : 0));
        }
    }

    private static int LowerBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int UpperBound(double[] sorted, double value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
