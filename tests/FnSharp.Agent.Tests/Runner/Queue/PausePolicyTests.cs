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
}
