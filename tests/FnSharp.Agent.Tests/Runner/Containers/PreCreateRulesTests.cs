using FnSharp.Agent.Runner.Containers;
using FnSharp.Testing;

namespace FnSharp.Agent.Tests.Runner.Containers;

[Trait(TestCategories.Name, TestCategories.Unit)]
public sealed class PreCreateRulesTests
{
    [Theory]
    [InlineData(16, 0, 0, false, false, 0, false, 1024, 128, "Create")]
    [InlineData(0, 0, 0, false, false, 0, false, 1024, 128, "Off")]
    [InlineData(16, 1, 128, true, false, 0, false, 1024, 128, "AlreadyHeld")]
    [InlineData(16, 0, 0, false, true, 0, false, 1024, 128, "Retired")]
    [InlineData(16, 0, 0, false, false, 2, false, 1024, 128, "KeptHot")]
    [InlineData(16, 0, 0, false, false, 0, true, 1024, 128, "PullAlways")]
    [InlineData(2, 2, 256, false, false, 0, false, 1024, 128, "AtLimit")]
    [InlineData(16, 3, 896, false, false, 0, false, 1024, 256, "NoMemory")]
    [InlineData(16, 3, 896, false, false, 0, false, 1024, 128, "Create")]
    [InlineData(16, 0, 0, false, false, 0, false, 100, 128, "NoMemory")]
    public void Decide_State_Decision(int max, int held, long heldMiB, bool alreadyHeld, bool retired, int minHot, bool pullAlways, long freeMiB, long fnMiB, string expected) =>
        Assert.Equal(Enum.Parse<PreCreateDecision>(expected), PreCreateRules.Decide(max, held, heldMiB, alreadyHeld, retired, minHot, pullAlways, freeMiB, fnMiB));
}
