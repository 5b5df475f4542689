using FnSharp.Bench.KeepAlive;
using FnSharp.Testing;

namespace FnSharp.Bench.Tests.KeepAlive;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class KeepAliveBoundTests
{
    private static readonly TimeSpan s_tenMinutes = TimeSpan.FromMinutes(10);

    [Fact]
    public void Frontier_ATimerAtAHighPrice_PrewarmedBeforeEachCallWithOnlyTheFirstCold()
    {
        var trace = OneFn(Enumerable.Range(0, 13).Select(i => TimeSpan.FromMinutes(5 * i)));

        var point = Assert.Single(KeepAliveBound.Frontier(trace, s_tenMinutes, [1000]));

        Assert.Equal(1, point.Cold);
        Assert.Equal(13, point.Starts);
        // Each of the 12 idle times kept at most the 5% between two thresholds (15 s of 300 s) at 128 MiB.
        Assert.InRange(point.MemoryGiBSeconds, 0, 12 * 15 * 0.125);
    }

    [Fact]
    public void Frontier_IdleTimesPastTheBoundAtALowPrice_NotKeptAndEveryCallCold()
    {
        var trace = OneFn([TimeSpan.Zero, TimeSpan.FromHours(2), TimeSpan.FromHours(5)]);

        var point = Assert.Single(KeepAliveBound.Frontier(trace, s_tenMinutes, [5]));

        Assert.Equal(new BoundPoint(5, 3, 0, 3), point);
    }

    private static KeepAliveTrace OneFn(IEnumerable<TimeSpan> calls) =>
        new(0, TimeSpan.FromDays(1), 5_000, [new TraceFn(0, Arrival.Timer, 288, 128)], [.. calls.Select(at => new TraceCall(at, 0))]);
}
