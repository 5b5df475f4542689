using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.KeepAlive;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class HybridKeepAliveTests
{
    private static readonly TimeSpan s_hour = TimeSpan.FromHours(1);

    [Fact]
    public void Windows_FewerThanTenIdleTimes_TheFixedIdleTimeout()
    {
        var histogram = Of(9, TimeSpan.FromMinutes(5));

        var windows = HybridKeepAlive.Windows(histogram, s_hour);

        Assert.Equal(new KeepAliveWindows(null, s_hour, KeepAliveBasis.TooFewSamples, 9), windows);
    }

    [Fact]
    public void Windows_ATimerEveryFiveMinutes_PrewarmsAtTheHeadLessTheMarginAndKeepsToTheTailPlusIt()
    {
        var fiveMinutes = TimeSpan.FromMinutes(5);
        var histogram = Of(20, fiveMinutes);
        var bin = IdleHistogram.BinOf(fiveMinutes);

        var windows = HybridKeepAlive.Windows(histogram, s_hour);

        var prewarm = IdleHistogram.LowerEdge(bin) * 0.9;
        Assert.Equal(new KeepAliveWindows(prewarm, (IdleHistogram.UpperEdge(bin) * 1.1) - prewarm, KeepAliveBasis.Histogram, 20), windows);
        Assert.InRange(windows.PrewarmAfter!.Value, TimeSpan.FromSeconds(250), fiveMinutes);
        Assert.InRange(windows.PrewarmAfter.Value + windows.KeepAlive, fiveMinutes, TimeSpan.FromSeconds(350));
    }

    [Fact]
    public void Windows_AKeepAliveWindowPastTheIdleTimeout_ItsMiddleIdleTimeout()
    {
        var fiveMinutes = TimeSpan.FromMinutes(5);
        var histogram = Of(20, fiveMinutes);
        var bin = IdleHistogram.BinOf(fiveMinutes);
        var idleTimeout = TimeSpan.FromSeconds(10);

        var windows = HybridKeepAlive.Windows(histogram, idleTimeout);

        var middle = ((IdleHistogram.LowerEdge(bin) * 0.9) + (IdleHistogram.UpperEdge(bin) * 1.1)) / 2;
        Assert.Equal(new KeepAliveWindows(middle - TimeSpan.FromSeconds(5), idleTimeout, KeepAliveBasis.Histogram, 20), windows);
    }

    [Fact]
    public void Windows_AHeadFarBeforeTheTail_KeptForTheIdleTimeoutWithoutAPrewarm()
    {
        var histogram = Of(2, TimeSpan.FromMinutes(1));
        for (var i = 0; i < 18; i++)
        {
            histogram.Add(TimeSpan.FromMinutes(10));
        }

        var windows = HybridKeepAlive.Windows(histogram, s_hour);

        Assert.Equal(new KeepAliveWindows(null, s_hour, KeepAliveBasis.Histogram, 20), windows);
    }

    [Fact]
    public void Windows_IdleTimesUnderTheShortestPrewarm_KeptForTheIdleTimeoutWithoutAPrewarm()
    {
        var histogram = Of(50, TimeSpan.FromSeconds(2));

        var windows = HybridKeepAlive.Windows(histogram, s_hour);

        Assert.Equal(new KeepAliveWindows(null, s_hour, KeepAliveBasis.Histogram, 50), windows);
    }

    [Fact]
    public void Windows_IdleTimesSpreadOverTheHistogram_TheFixedIdleTimeout()
    {
        var histogram = new IdleHistogram();
        for (var bin = 0; bin < IdleHistogram.BinCount; bin++)
        {
            histogram.Add(IdleHistogramTests.Middle(bin));
        }

        var windows = HybridKeepAlive.Windows(histogram, s_hour);

        Assert.Equal(new KeepAliveWindows(null, s_hour, KeepAliveBasis.Spread, IdleHistogram.BinCount), windows);
    }

    [Fact]
    public void Windows_MostIdleTimesPastTheRange_KeptTheIdleTimeoutAroundTheirMedian()
    {
        var histogram = new IdleHistogram();
        histogram.Add(TimeSpan.FromHours(6));
        histogram.Add(TimeSpan.FromHours(8));
        histogram.Add(TimeSpan.FromHours(6));
        histogram.Add(TimeSpan.FromMinutes(3));

        var windows = HybridKeepAlive.Windows(histogram, s_hour);

        Assert.Equal(new KeepAliveWindows(TimeSpan.FromHours(6 - 0.5), s_hour, KeepAliveBasis.OutOfBounds, 4), windows);
    }

    [Fact]
    public void Windows_TwoIdleTimesPastTheRange_TooFewToForecast()
    {
        var histogram = new IdleHistogram();
        histogram.Add(TimeSpan.FromHours(6));
        histogram.Add(TimeSpan.FromHours(6));

        var windows = HybridKeepAlive.Windows(histogram, s_hour);

        Assert.Equal(KeepAliveBasis.TooFewSamples, windows.Basis);
        Assert.Null(windows.PrewarmAfter);
    }

    private static IdleHistogram Of(int count, TimeSpan idle)
    {
        var histogram = new IdleHistogram();
        for (var i = 0; i < count; i++)
        {
            histogram.Add(idle);
        }

        return histogram;
    }
}
