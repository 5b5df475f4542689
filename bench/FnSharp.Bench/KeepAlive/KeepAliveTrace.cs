namespace FnSharp.Bench.KeepAlive;

/// <summary>How a trace fn's calls arrive.</summary>
internal enum Arrival
{
    /// <summary>A timer: one call every period (one of the usual cron periods), a second of jitter.</summary>
    Timer,

    /// <summary>Calls one by one at random (a Poisson process).</summary>
    Poisson,

    /// <summary>Bursts at random (a Poisson process), each of 2 to 20 calls a few seconds apart.</summary>
    Bursty,
}

/// <summary>One fn of the trace: its arrivals, its mean calls per day as drawn, and its memory.</summary>
internal sealed record TraceFn(int Index, Arrival Arrival, double PerDay, int MemoryMiB);

/// <summary>One call: when it arrives (from the trace's start) and the index of its fn.</summary>
internal readonly record struct TraceCall(TimeSpan At, int Fn);

/// <summary>
/// A synthetic trace with the shape of the Azure Functions trace as Shahrad et al. ("Serverless in the Wild",
/// ATC'20, section 3) summarise it: daily calls per fn log-normal over many orders of magnitude, fitted to the
/// paper's figures (45% of apps called at most once an hour, 81% at most once a minute on average); arrivals by
/// timers (their periods the usual cron ones), Poisson and bursty; memory mostly 128-256 MiB. Deterministic for a
/// seed (<see cref="Random"/> with a seed gives the same numbers on every .NET).
/// </summary>
internal sealed record KeepAliveTrace(int Seed, TimeSpan Length, double MaxPerDay, IReadOnlyList<TraceFn> Fns, IReadOnlyList<TraceCall> Calls)
{
    /// <summary>The mean of log10(calls per day): 40 a day, the median app.</summary>
    public const double Log10Mean = 1.6;

    /// <summary>The standard deviation of log10(calls per day), from the paper's two quantiles.</summary>
    public const double Log10Sigma = 1.77;

    private static readonly double[] TimerMinutes = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440];

    /// <summary>
    /// Generates <paramref name="fnCount"/> fns over <paramref name="length"/>: each fn's daily calls drawn from the
    /// log-normal, those above <paramref name="maxPerDay"/> replayed at that rate (they are hot under every policy;
    /// their millions of calls would only add warm ones and replay time).
    /// </summary>
    public static KeepAliveTrace Generate(int seed, int fnCount, TimeSpan length, double maxPerDay)
    {
        var random = new Random(seed);
        var fns = new List<TraceFn>(fnCount);
        var calls = new List<TraceCall>();
        for (var i = 0; i < fnCount; i++)
        {
            var perDay = Math.Pow(10, Log10Mean + (Log10Sigma * Normal(random)));
            var pick = random.NextDouble();
            var arrival = pick < 0.3 ? Arrival.Timer : pick < 0.75 ? Arrival.Poisson : Arrival.Bursty;
            var memory = random.NextDouble() switch { < 0.5 => 128, < 0.85 => 256, _ => 512 };
            var fn = new TraceFn(i, arrival, perDay, memory);
            fns.Add(fn);
            AddCalls(fn, Math.Min(perDay, maxPerDay), length, random, calls);
        }

        calls.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Fn.CompareTo(b.Fn));
        return new KeepAliveTrace(seed, length, maxPerDay, fns, calls);
    }

    private static void AddCalls(TraceFn fn, double perDay, TimeSpan length, Random random, List<TraceCall> calls)
    {
        var seconds = length.TotalSeconds;
        var meanGap = 86_400 / perDay;
        switch (fn.Arrival)
        {
            case Arrival.Timer:
            {
                // The cron period nearest the fn's rate (in log), starting at a random phase.
                var period = 60 * TimerMinutes.MinBy(m => Math.Abs(Math.Log(m * 60 / meanGap)));
                for (var t = random.NextDouble() * period; t < seconds; t += period)
                {
                    var at = t + random.NextDouble();
                    if (at < seconds)
                    {
                        calls.Add(new TraceCall(TimeSpan.FromSeconds(at), fn.Index));
                    }
                }

                break;
            }

            case Arrival.Poisson:
                for (var t = Exponential(random, meanGap); t < seconds; t += Exponential(random, meanGap))
                {
                    calls.Add(new TraceCall(TimeSpan.FromSeconds(t), fn.Index));
                }

                break;

            case Arrival.Bursty:
            {
                var size = random.Next(2, 21);
                for (var t = Exponential(random, meanGap * size); t < seconds; t += Exponential(random, meanGap * size))
                {
                    var at = t;
                    for (var k = 0; k < size && at < seconds; k++)
                    {
                        calls.Add(new TraceCall(TimeSpan.FromSeconds(at), fn.Index));
                        at += Exponential(random, 2);
                    }
                }

                break;
            }
        }
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    /// <summary>A standard normal draw (Box-Muller).</summary>
    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
