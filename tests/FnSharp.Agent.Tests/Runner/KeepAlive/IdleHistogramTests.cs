using FnSharp.Agent.Runner.KeepAlive;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.KeepAlive;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class IdleHistogramTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(59.9)]
    [InlineData(60.1)]
    [InlineData(3599.0)]
    [InlineData(14_399.0)]
    public void BinOf_AnIdleTimeInRange_FallsBetweenItsBinsEdges(double seconds)
    {
        var idle = TimeSpan.FromSeconds(seconds);

        var bin = IdleHistogram.BinOf(idle);

        Assert.InRange(bin, 0, IdleHistogram.BinCount - 1);
        Assert.True(IdleHistogram.LowerEdge(bin) <= idle, $"bin {bin} starts at {IdleHistogram.LowerEdge(bin)}");
        Assert.True(idle < IdleHistogram.UpperEdge(bin), $"bin {bin} ends at {IdleHistogram.UpperEdge(bin)}");
    }

    [Fact]
    public void BinCount_FourHoursInFivePercentSteps_198Bins()
    {
        Assert.Equal(198, IdleHistogram.BinCount);
        Assert.Equal(IdleHistogram.Range, IdleHistogram.UpperEdge(IdleHistogram.BinCount - 1));
    }

    [Fact]
    public void Add_PastTheRange_CountedOutOfBoundsAndTheLatestKept()
    {
        var histogram = new IdleHistogram();

        for (var hours = 5; hours <= 11; hours++)
        {
            histogram.Add(TimeSpan.FromHours(hours));
        }

        histogram.Add(TimeSpan.FromMinutes(1));

        Assert.Equal(7, histogram.OutOfBounds);
        Assert.Equal(1, histogram.InBounds);
        Assert.Equal([7, 8, 9, 10, 11], histogram.LatestOutOfBounds.Select(t => (int)t.TotalHours));
    }

    [Fact]
    public void Add_ReachingHalveAt_EveryBinHalved()
    {
        var histogram = new IdleHistogram();
        for (var i = 0; i < IdleHistogram.HalveAt - 2; i++)
        {
            histogram.Add(TimeSpan.FromSeconds(30));
        }

        histogram.Add(TimeSpan.FromSeconds(300));
        histogram.Add(TimeSpan.FromSeconds(300));

        Assert.Equal(((IdleHistogram.HalveAt - 2) / 2) + 1, histogram.InBounds);
        Assert.Equal(IdleHistogram.BinOf(TimeSpan.FromSeconds(30)), histogram.PercentileBin(0.99));
    }

    [Fact]
    public void BinCountCv_OneBinAgainstEveryBin_HighAgainstZero()
    {
        var gathered = new IdleHistogram();
        var spread = new IdleHistogram();
        for (var bin = 0; bin < IdleHistogram.BinCount; bin++)
        {
            gathered.Add(TimeSpan.FromSeconds(60));
            spread.Add(Middle(bin));
        }

        Assert.Equal(Math.Sqrt(IdleHistogram.BinCount), gathered.BinCountCv(), 6);
        Assert.Equal(0, spread.BinCountCv(), 6);
    }

    /// <summary>The middle of <paramref name="bin"/>, away from its edges' rounding.</summary>
    internal static TimeSpan Middle(int bin) => (IdleHistogram.LowerEdge(bin) + IdleHistogram.UpperEdge(bin)) / 2;
}
