using FnSharp.Bench.KeepAlive;
using FnSharp.Testing;

namespace FnSharp.Bench.Tests.KeepAlive;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class KeepAliveTraceTests
{
    [Fact]
    public void Generate_TheSameSeed_TheSameTrace()
    {
        var first = KeepAliveTrace.Generate(17, 240, TimeSpan.FromHours(12), 20_000);
        var second = KeepAliveTrace.Generate(17, 240, TimeSpan.FromHours(12), 20_000);

        Assert.Equal(first.Fns, second.Fns);
        Assert.Equal(first.Calls, second.Calls);
    }

    [Fact]
    public void Generate_AnotherSeed_AnotherTrace()
    {
        var first = KeepAliveTrace.Generate(17, 240, TimeSpan.FromHours(12), 20_000);
        var other = KeepAliveTrace.Generate(18, 240, TimeSpan.FromHours(12), 20_000);

        Assert.NotEqual(first.Calls, other.Calls);
    }

    [Fact]
    public void Generate_240Fns_TheShapeOfTheAzureTrace()
    {
        var trace = KeepAliveTrace.Generate(17, 240, TimeSpan.FromHours(12), 20_000);
        var perDay = trace.Fns.Select(f => f.PerDay).ToArray();

        Assert.Equal(240, trace.Fns.Count);
        Assert.True(Math.Log10(perDay.Max() / perDay.Min()) >= 8, "daily calls span eight orders of magnitude");
        Assert.InRange(perDay.Count(r => r <= 24) / 240.0, 0.35, 0.55);
        Assert.InRange(perDay.Count(r => r <= 1440) / 240.0, 0.7, 0.9);
        Assert.All(Enum.GetValues<Arrival>(), kind => Assert.Contains(trace.Fns, f => f.Arrival == kind));
        Assert.All(trace.Calls, c => Assert.InRange(c.At, TimeSpan.Zero, trace.Length));
        Assert.Equal(trace.Calls.OrderBy(c => c.At).ThenBy(c => c.Fn), trace.Calls);
    }

    [Fact]
    public void Generate_ATimerFn_CalledEveryPeriod()
    {
        var trace = KeepAliveTrace.Generate(17, 240, TimeSpan.FromHours(12), 20_000);
        var timer = trace.Fns.First(f => f.Arrival == Arrival.Timer && f.PerDay is > 100 and < 1000);
        var times = trace.Calls.Where(c => c.Fn == timer.Index).Select(c => c.At.TotalSeconds).ToArray();
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToArray();

        Assert.NotEmpty(gaps);
        Assert.InRange(gaps.Max() - gaps.Min(), 0, 2);
    }
}
