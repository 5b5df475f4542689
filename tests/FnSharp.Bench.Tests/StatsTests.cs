using FnSharp.Testing;

namespace FnSharp.Bench.Tests;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class StatsTests
{
    [Fact]
    public void Percentile_NearestRank_PicksTheSampleAtTheRank()
    {
        double[] samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];

        Assert.Equal(5, Stats.Percentile(samples, 50));
        Assert.Equal(10, Stats.Percentile(samples, 99));
        Assert.Equal(1, Stats.Percentile(samples, 0));
    }

    [Fact]
    public void Percentile_NoSamples_IsZero() => Assert.Equal(0, Stats.Percentile([], 99));

    [Fact]
    public void Median_OddAndEvenCounts_MiddleOrMeanOfTheMiddleTwo()
    {
        Assert.Equal(2, Stats.Median([3, 1, 2]));
        Assert.Equal(2.5, Stats.Median([4, 1, 3, 2]));
        Assert.Equal(0, Stats.Median([]));
    }
}
