using FnSharp.Server.Dashboard;
using FnSharp.Testing;

namespace FnSharp.Server.Tests.Dashboard;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class LatencyBucketsTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(double.NaN, 0)]
    [InlineData(0.00005, 0)]
    [InlineData(0.0001, 1)]
    [InlineData(0.0002, 9)]
    [InlineData(1e9, LatencyBuckets.Count - 1)]
    public void Index_Duration_Bucket(double seconds, int expected) => Assert.Equal(expected, LatencyBuckets.Index(seconds));

    [Fact]
    public void Index_EveryBucket_HoldsItsLowerBound()
    {
        for (var i = 1; i < LatencyBuckets.Count; i++)
        {
            // Just above the bound, so that a bound that is not exact in floating point still lands in its bucket.
            Assert.Equal(i, LatencyBuckets.Index(LatencyBuckets.LowerMs(i) * 1.0001 / 1000));
        }
    }

    [Fact]
    public void Quantile_NothingCounted_Null() => Assert.Null(LatencyBuckets.Quantile(new long[LatencyBuckets.Count], 0.5));

    [Theory]
    [InlineData(0.5, 50)]
    [InlineData(0.99, 99)]
    [InlineData(1.0, 100)]
    [InlineData(0.01, 1)]
    public void Quantile_OneToHundredMs_WithinFivePercentOfTheExactRank(double quantile, double exactMs)
    {
        var counts = new long[LatencyBuckets.Count];
        for (var ms = 1; ms <= 100; ms++)
        {
            counts[LatencyBuckets.Index(ms / 1000.0)]++;
        }

        var estimate = LatencyBuckets.Quantile(counts, quantile)!.Value;

        Assert.InRange(estimate, exactMs * 0.95, exactMs * 1.05);
    }

    [Fact]
    public void Quantile_AllInTheOpenEnds_TheirFiniteBounds()
    {
        var counts = new long[LatencyBuckets.Count];
        counts[0] = 1;
        counts[^1] = 1;

        Assert.Equal(0.1, LatencyBuckets.Quantile(counts, 0.5));
        Assert.Equal(Math.Round(LatencyBuckets.LowerMs(LatencyBuckets.Count - 1), 2), LatencyBuckets.Quantile(counts, 1));
    }
}
