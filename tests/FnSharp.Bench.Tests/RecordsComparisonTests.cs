using FnSharp.Testing;

namespace FnSharp.Bench.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class RecordsComparisonTests
{
    [Fact]
    public void Compare_OneRound_OnAgainstTheMeanOfBothOffRunsNoiseFromTheirRatio()
    {
        var round = new AbaRound(new LoadSample(4, 10, 200, 0.5), new LoadSample(4.4, 10, 200, 0.6), new LoadSample(4.4, 10, 200, 0.5));

        var comparison = RecordsComparison.Compare([round]);

        Assert.Equal(["p50", "p99", "req/s", "server CPU per call"], comparison.Select(c => c.Name));
        Assert.Equal(new MetricComparison("p50", 1.048, 1.1, 0.1, true), comparison[0]);
        Assert.Equal(new MetricComparison("p99", 1, 1, 0, true), comparison[1]);
        Assert.Equal(new MetricComparison("server CPU per call", 1.2, 1, 0, false), comparison[3]);
    }

    [Fact]
    public void Compare_ThreeRounds_MedianRatioLargestNoise()
    {
        AbaRound Round(double before, double on, double after) => new(new LoadSample(before, 1, 1, 1), new LoadSample(on, 1, 1, 1), new LoadSample(after, 1, 1, 1));

        var p50 = RecordsComparison.Compare([Round(10, 11, 10), Round(10, 13, 10), Round(10, 9, 11)])[0];

        // Ratios on/off: 1.1, 1.3, 0.857; off/off: 1, 1, 1.1.
        Assert.Equal(new MetricComparison("p50", 1.1, 1, 0.1, true), p50);
    }

    [Fact]
    public void Compare_NoCallsAnswered_RatioOfZeroesIsOne()
    {
        var zero = new LoadSample(0, 0, 0, 0);

        var comparison = RecordsComparison.Compare([new AbaRound(zero, zero, zero)]);

        Assert.All(comparison, c => Assert.Equal((1.0, 1.0, true), (c.OnOverOff, c.OffOverOff, c.WithinNoise)));
    }

    [Fact]
    public void Compare_NoRounds_Empty() => Assert.Empty(RecordsComparison.Compare([]));

    [Fact]
    public void Medians_Samples_EachFigureOnItsOwn()
    {
        var medians = Scenarios.Medians([new LoadSample(3, 9, 100, 0.2), new LoadSample(1, 30, 300, 0.1), new LoadSample(2, 20, 200, 0.3)]);

        Assert.Equal(new LoadSample(2, 20, 200, 0.2), medians);
    }

    [Fact]
    public void DescribeComparison_Figures_RatioNoiseAndVerdict() =>
        Assert.Equal(
            "on/off: p50 1.048 (off/off noise ±0.100: within); p99 1.300 (off/off noise ±0.100: higher, beyond it); req/s 0.800 (off/off noise ±0.050: lower, beyond it)",
            Scenarios.DescribeComparison([
                new MetricComparison("p50", 1.048, 1.1, 0.1, true),
                new MetricComparison("p99", 1.3, 1, 0.1, false),
                new MetricComparison("req/s", 0.8, 1.05, 0.05, false),
            ]));
}
