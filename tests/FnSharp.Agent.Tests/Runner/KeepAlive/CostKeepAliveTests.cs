using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.KeepAlive;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class CostKeepAliveTests
{
    private static readonly TimeSpan s_tenMinutes = TimeSpan.FromMinutes(10);

    [Fact]
    public void Windows_NoIdleTimeYet_TheFixedIdleTimeout()
    {
        var windows = CostKeepAlive.Windows(new IdleHistogram(), s_tenMinutes, 128);

        Assert.Equal(new KeepAliveWindows(null, s_tenMinutes, KeepAliveBasis.TooFewSamples, 0), windows);
    }

    [Fact]
    public void Windows_OneIdleTimeCheaperToKeepThanACold_TheFixedIdleTimeout()
    {
        // 5 minutes of 128 MiB is 37.5 GiB-s, well under the default price of a cold start.
        var windows = CostKeepAlive.Windows(Of([TimeSpan.FromMinutes(5)]), s_tenMinutes, 128);

        Assert.Equal(new KeepAliveWindows(null, s_tenMinutes, KeepAliveBasis.Cost, 1), windows);
    }

    [Fact]
    public void Windows_OneIdleTimePastTheIdleTimeout_NotKept()
    {
        // Kept for 10 minutes, the next call after an hour would still be cold: the memory buys nothing.
        var windows = CostKeepAlive.Windows(Of([TimeSpan.FromHours(1)]), s_tenMinutes, 128);

        Assert.Equal(new KeepAliveWindows(null, TimeSpan.Zero, KeepAliveBasis.Cost, 1), windows);
    }

    [Fact]
    public void Windows_IdleTimesAllPastTheBoundAndSpread_NotKeptNorPrewarmed()
    {
        // 20 to 172 minutes, 8 apart: no window of 10 minutes holds more than two of them.
        var histogram = Of(Enumerable.Range(0, 20).Select(i => TimeSpan.FromMinutes(20 + (8 * i))));

        var windows = CostKeepAlive.Windows(histogram, s_tenMinutes, 128);

        Assert.Equal(new KeepAliveWindows(null, TimeSpan.Zero, KeepAliveBasis.Cost, 20), windows);
    }

    [Fact]
    public void Windows_ATightHistogram_PrewarmedTheMarginBeforeItsBinUntilTheMarginAfterIt()
    {
        var fiveMinutes = TimeSpan.FromMinutes(5);
        var bin = IdleHistogram.BinOf(fiveMinutes);

        var windows = CostKeepAlive.Windows(Of(Enumerable.Repeat(fiveMinutes, 20)), s_tenMinutes, 128);

        var prewarm = IdleHistogram.LowerEdge(bin).TotalSeconds * 0.9;
        Assert.Equal(KeepAliveBasis.Cost, windows.Basis);
        Assert.Equal(prewarm, windows.PrewarmAfter!.Value.TotalSeconds, 1e-5);
        Assert.Equal((IdleHistogram.UpperEdge(bin).TotalSeconds * 1.1) - prewarm, windows.KeepAlive.TotalSeconds, 1e-5);
        Assert.InRange(windows.PrewarmAfter.Value, TimeSpan.FromSeconds(250), fiveMinutes);
    }

    [Fact]
    public void Windows_ATimerPeriodLongerThanTheBound_PrewarmedWithAWindowNoLongerThanIt()
    {
        var windows = CostKeepAlive.Windows(Of(Enumerable.Repeat(TimeSpan.FromHours(1), 20)), TimeSpan.FromSeconds(30), 128);

        Assert.NotNull(windows.PrewarmAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), windows.KeepAlive);
        Assert.InRange(windows.PrewarmAfter.Value, TimeSpan.FromMinutes(50), TimeSpan.FromHours(1));
    }

    [Fact]
    public void Windows_IdleTimesUnderTheBound_KeptForTheWholeIdleTimeoutAndNoLonger()
    {
        // 30 s to 9.5 min, 30 s apart, for a small fn: keeping it costs less than the cold starts it saves.
        var histogram = Of(Enumerable.Range(1, 19).Select(i => TimeSpan.FromSeconds(30 * i)));

        var windows = CostKeepAlive.Windows(histogram, s_tenMinutes, 128);

        Assert.Equal(new KeepAliveWindows(null, s_tenMinutes, KeepAliveBasis.Cost, 19), windows);
    }

    [Fact]
    public void Windows_TheSameIdleTimesForALargeFn_NotKept()
    {
        // As above, at 2 GiB: the memory kept between calls costs more than the 19 cold starts.
        var histogram = Of(Enumerable.Range(1, 19).Select(i => TimeSpan.FromSeconds(30 * i)));

        var windows = CostKeepAlive.Windows(histogram, s_tenMinutes, 2048);

        Assert.Equal(new KeepAliveWindows(null, TimeSpan.Zero, KeepAliveBasis.Cost, 19), windows);
    }

    [Fact]
    public void Windows_BurstsOfShortIdleTimesBetweenLongOnes_KeptAcrossTheBurstsOnly()
    {
        // Calls in bursts 2 s apart, the bursts 1 to 3 hours apart: kept a few seconds, not the 10 minutes.
        var histogram = Of(Enumerable.Repeat(TimeSpan.FromSeconds(2), 40)
            .Concat(Enumerable.Range(0, 10).Select(i => TimeSpan.FromMinutes(60 + (12 * i)))));

        var windows = CostKeepAlive.Windows(histogram, s_tenMinutes, 256);

        Assert.Null(windows.PrewarmAfter);
        Assert.Equal(IdleHistogram.UpperEdge(IdleHistogram.BinOf(TimeSpan.FromSeconds(2))).TotalSeconds, windows.KeepAlive.TotalSeconds, 1e-5);
    }

    [Fact]
    public void Windows_MostIdleTimesPastTheRange_TheForecastAsUnderTheHybridPolicy()
    {
        var histogram = Of([TimeSpan.FromHours(6), TimeSpan.FromHours(8), TimeSpan.FromHours(6), TimeSpan.FromMinutes(3)]);

        var windows = CostKeepAlive.Windows(histogram, TimeSpan.FromHours(1), 128);

        Assert.Equal(HybridKeepAlive.Windows(histogram, TimeSpan.FromHours(1)), windows);
        Assert.Equal(KeepAliveBasis.OutOfBounds, windows.Basis);
    }

    private static IdleHistogram Of(IEnumerable<TimeSpan> idleTimes)
    {
        var histogram = new IdleHistogram();
        foreach (var idle in idleTimes)
        {
            histogram.Add(idle);
        }

        return histogram;
    }
}
