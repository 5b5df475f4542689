namespace FnSharp.Bench;

/// <summary>The figures of one load run of the call-records scenario (latencies in ms, server CPU in ms per call answered).</summary>
internal sealed record LoadSample(double P50Ms, double P99Ms, double RequestsPerSecond, double CpuMsPerCall);

/// <summary>
/// One round of the call-records scenario, in the order it ran: records off, records on, records off
/// again. The "on" run sits between the two "off" runs, so a drift of the machine over the round weighs
/// on both sides alike, and the two "off" runs show how far the same setup moves from one run to the next.
/// </summary>
internal sealed record AbaRound(LoadSample OffBefore, LoadSample On, LoadSample OffAfter);

/// <summary>
/// One figure compared: <paramref name="OnOverOff"/> is the median over rounds of "on" divided by the mean
/// of the round's two "off" runs; <paramref name="OffOverOff"/> the median of the second "off" run divided
/// by the first (1 = no noise); <paramref name="Noise"/> the largest distance of that ratio from 1 in any
/// round. <paramref name="WithinNoise"/>: the on/off ratio is no further from 1 than that.
/// </summary>
internal sealed record MetricComparison(string Name, double OnOverOff, double OffOverOff, double Noise, bool WithinNoise);

/// <summary>Compares records on with records off over the rounds of the call-records scenario.</summary>
internal static class RecordsComparison
{
    /// <summary>p50, p99, req/s and server CPU per call, each as a <see cref="MetricComparison"/>; empty when there are no rounds.</summary>
    public static IReadOnlyList<MetricComparison> Compare(IReadOnlyList<AbaRound> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        if (rounds.Count == 0)
        {
            return [];
        }

        return
        [
            Compare(rounds, "p50", s => s.P50Ms),
            Compare(rounds, "p99", s => s.P99Ms),
            Compare(rounds, "req/s", s => s.RequestsPerSecond),
            Compare(rounds, "server CPU per call", s => s.CpuMsPerCall),
        ];
    }

    private static MetricComparison Compare(IReadOnlyList<AbaRound> rounds, string name, Func<LoadSample, double> figure)
    {
        var onOverOff = rounds.Select(r => Ratio(figure(r.On), (figure(r.OffBefore) + figure(r.OffAfter)) / 2)).ToArray();
        var offOverOff = rounds.Select(r => Ratio(figure(r.OffAfter), figure(r.OffBefore))).ToArray();
        var ratio = Stats.Median(onOverOff);
        var noise = offOverOff.Max(r => Math.Abs(r - 1));
        return new MetricComparison(name, Stats.Round(ratio, 3), Stats.Round(Stats.Median(offOverOff), 3), Stats.Round(noise, 3), Math.Abs(ratio - 1) <= noise);
    }

    // A figure of 0 (no call answered) compares as no change rather than as infinity.
    private static double Ratio(double a, double b) => b == 0 ? (a == 0 ? 1 : double.PositiveInfinity) : a / b;
}
