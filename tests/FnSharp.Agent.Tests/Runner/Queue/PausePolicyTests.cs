using FnSharp.Agent.Runner.Queue;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.Queue;

/// <summary>When idle containers are paused: never between the calls of a fn being called.</summary>
[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class PausePolicyTests
{
    [Fact]
    public void PauseAfter_Negative_Never() => Assert.Null(PausePolicy.PauseAfter(-1, 10));

    [Fact]
    public void PauseAfter_FirstCall_TheSetting() => Assert.Equal(TimeSpan.FromMilliseconds(50), PausePolicy.PauseAfter(50, null));

    [Fact]
    public void PauseAfter_FnCalledEvery100Ms_FourGapsRatherThanTheShorterSetting() =>
        Assert.Equal(TimeSpan.FromMilliseconds(400), PausePolicy.PauseAfter(50, 100));

    [Fact]
    public void PauseAfter_SettingLongerThanFourGaps_TheSetting() =>
        Assert.Equal(TimeSpan.FromMilliseconds(30_000), PausePolicy.PauseAfter(30_000, 100));

    [Fact]
    public void PauseAfter_FnCalledRarely_TheSetting() =>
        Assert.Equal(TimeSpan.FromMilliseconds(50), PausePolicy.PauseAfter(50, 60_000));

    [Fact]
    public void LookAgainAfter_CpuUnknown_PausesNow() => Assert.Null(PausePolicy.LookAgainAfter(null, TimeSpan.FromSeconds(30), PausePolicy.PauseCycleCpuMs));

    [Fact]
    public void LookAgainAfter_IdleCpuReachedThePauseCost_PausesNow() =>
        Assert.Null(PausePolicy.LookAgainAfter(PausePolicy.PauseCycleCpuMs, TimeSpan.FromSeconds(30), PausePolicy.PauseCycleCpuMs));

    [Fact]
    public void LookAgainAfter_NativeAotRate_WhenItsIdleCpuWouldReachTheCost()
    {
        // 0.09 ms per second over 30 s: 2.7 ms; the cost of 36 ms is reached at 400 s, 370 s on.
        var again = PausePolicy.LookAgainAfter(2.7, TimeSpan.FromSeconds(30), PausePolicy.PauseCycleCpuMs);

        Assert.Equal(370, again!.Value.TotalSeconds, precision: 6);
    }

    [Fact]
    public void LookAgainAfter_AlmostThere_NotSoonerThanTheShortestWait() =>
        Assert.Equal(PausePolicy.MinLookAgain, PausePolicy.LookAgainAfter(PausePolicy.PauseCycleCpuMs - 0.01, TimeSpan.FromSeconds(30), PausePolicy.PauseCycleCpuMs));

    [Fact]
    public void LookAgainAfter_CostSetToZero_PausesNowWhateverItsIdleCpu() =>
        Assert.Equal([null, null], new[] { PausePolicy.LookAgainAfter(0, TimeSpan.FromSeconds(30), pauseCpuMs: 0), PausePolicy.LookAgainAfter(0.5, TimeSpan.FromSeconds(30), pauseCpuMs: 0) });

    [Fact]
    public void LookAgainAfter_CostSetLower_WhenItsIdleCpuWouldReachThatCost() =>
        Assert.Equal(TimeSpan.FromSeconds(30), PausePolicy.LookAgainAfter(5, TimeSpan.FromSeconds(30), pauseCpuMs: 10));

    [Fact]
    public void LookAgainAfter_NoIdleCpu_TheLongestWait() =>
        Assert.Equal(PausePolicy.MaxLookAgain, PausePolicy.LookAgainAfter(0, TimeSpan.FromSeconds(30), PausePolicy.PauseCycleCpuMs));

    [Fact]
    public void LookAgainAfter_TinyIdleCpu_NotLaterThanTheLongestWait() =>
        Assert.Equal(PausePolicy.MaxLookAgain, PausePolicy.LookAgainAfter(0.001, TimeSpan.FromSeconds(30), PausePolicy.PauseCycleCpuMs));
}
